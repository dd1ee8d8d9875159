"""The one backoff: article retries, feed polls after failures, webhook deliveries."""

from __future__ import annotations

import random


def backoff_seconds(*, base: float, attempt: int, cap: float) -> float:
    """base * 2^attempt seconds, capped, less a random share of up to 20% (so a recovered site or
    receiver is not hit by every waiting client at once, and the cap is never passed)."""
    ceiling = min(cap, base * 2 ** min(attempt, 30))
    return ceiling * random.uniform(0.8, 1.0)
