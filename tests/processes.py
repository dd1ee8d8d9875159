"""Stopping a process a test started: exactly that one, by its pid, never waiting without end."""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen, *, timeout: float = 15) -> None:
    """SIGTERM, wait up to `timeout` s; then SIGKILL and wait again (a killed process exits at once)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
