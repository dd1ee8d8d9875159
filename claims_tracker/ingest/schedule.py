"""When a feed is polled next: its adaptive interval, the backoff after a failure, and a server's Retry-After.

The adaptive interval. Each feed has bounds an editor may set (Feed.poll_interval_min / _max, in seconds;
empty means the defaults INGEST_FEED_MIN_INTERVAL / INGEST_FEED_MAX_INTERVAL), and Feed.poll_interval is the
interval in use now, always within them:

- a poll that found new entries halves the interval, down to the minimum;
- a poll that found none (a 304, or the same entries again) multiplies it by 1.5, up to the maximum;
- the first successful poll of a feed leaves it as it is: every entry is new then (the feed's backlog), which
  says nothing about how often it changes;
- a failed poll leaves it too; the failure's own backoff (doubling from the interval) decides the next attempt.

So a feed that changes every minute stays at its minimum, and one that changes every hour settles where about
37% of polls find something (ln 1.5 / (ln 1.5 + ln 2)): near 22 minutes, within its bounds. A halving against
a growth of only 1.5 means a feed that wakes up is caught within a few polls while a quiet one slows down gently.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from claims_tracker.lib.backoff import backoff_seconds

from .services import IngestError

GROW = 1.5
SHRINK = 0.5
MIN_INTERVAL = 60  # the model's check constraint: never more than one poll a minute


def interval_bounds(feed) -> tuple[int, int]:
    """(minimum, maximum) seconds between this feed's polls: the editor's, else the defaults in settings."""
    low = feed.poll_interval_min or settings.INGEST_FEED_MIN_INTERVAL
    high = feed.poll_interval_max or settings.INGEST_FEED_MAX_INTERVAL
    low = max(MIN_INTERVAL, low)
    return low, max(low, high)


def next_interval(feed, *, new_entries: int, first_success: bool) -> int:
    """The feed's interval after a successful poll that found `new_entries` (the rule in this module's docstring)."""
    low, high = interval_bounds(feed)
    interval = feed.poll_interval
    if not first_success:
        interval = interval * SHRINK if new_entries else interval * GROW
    return int(min(high, max(low, round(interval))))


def feed_backoff(*, interval: int, failures: int) -> timedelta:
    """After `failures` failed polls in a row: the interval doubled per failure, with jitter, capped."""
    cap = max(interval, settings.INGEST_FEED_BACKOFF_MAX)
    return timedelta(seconds=backoff_seconds(base=interval, attempt=failures, cap=cap))


def failure_delay(*, interval: int, failures: int, retry_after: float | None) -> timedelta:
    """The wait after a failed poll: the backoff, or longer when the server asked for it (Retry-After, bounded
    by INGEST_FEED_BACKOFF_MAX so a server cannot park a feed for a year)."""
    delay = feed_backoff(interval=interval, failures=failures)
    if retry_after:
        delay = max(delay, timedelta(seconds=min(retry_after, settings.INGEST_FEED_BACKOFF_MAX)))
    return delay


def check_bounds(*, low: int | None, high: int | None, interval: int | None = None) -> None:
    """Refuse bounds an editor cannot mean (IngestError naming the field): each at least a minute, the minimum
    not above the maximum, and the starting interval (for a new feed) between them."""
    if low is not None and low < MIN_INTERVAL:
        raise IngestError("Poll at most once a minute (60 seconds or more).", "poll_interval_min")
    if high is not None and high < MIN_INTERVAL:
        raise IngestError("Poll at most once a minute (60 seconds or more).", "poll_interval_max")
    effective_low = max(MIN_INTERVAL, low or settings.INGEST_FEED_MIN_INTERVAL)
    effective_high = high or settings.INGEST_FEED_MAX_INTERVAL
    if effective_low > effective_high:
        shortest, longest = _minutes(effective_low), _minutes(effective_high)
        raise IngestError(
            f"The shortest interval ({shortest}) is longer than the longest ({longest}).", "poll_interval_max"
        )
    if interval is not None and not effective_low <= interval <= effective_high:
        raise IngestError(
            f"Start between the shortest and the longest interval ({_minutes(effective_low)} to "
            f"{_minutes(effective_high)}).",
            "poll_interval",
        )


def feed_set_bounds(*, feed, low: int | None, high: int | None):
    """An editor's bounds (seconds; None: the default); the interval in use is brought within them at once."""
    check_bounds(low=low, high=high)
    feed.poll_interval_min, feed.poll_interval_max = low, high
    bottom, top = interval_bounds(feed)
    feed.poll_interval = min(top, max(bottom, feed.poll_interval))
    feed.save(update_fields=["poll_interval_min", "poll_interval_max", "poll_interval"])
    return feed


def _minutes(seconds: int) -> str:
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes == int(minutes) else f"{seconds} s"
