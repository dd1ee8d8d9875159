"""Progress lines for the ingestion commands: on the terminal only, never mixed into --json output."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream, *, enabled: bool | None = None):
        self.stream = stream
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.enabled:
            self.stream.write(f"[{time.monotonic() - self.started:5.1f}s] {message}")
