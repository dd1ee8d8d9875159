"""claims_tracker.lib.backoff: the one backoff that article retries, feed polls and webhooks share."""

from __future__ import annotations

from claims_tracker.lib.backoff import backoff_seconds


def test_it_doubles_per_attempt_less_up_to_a_fifth():
    for attempt, ceiling in [(0, 10), (1, 20), (2, 40), (3, 80)]:
        delays = [backoff_seconds(base=10, attempt=attempt, cap=1000) for _ in range(200)]
        assert all(0.8 * ceiling <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, so waiting clients spread out


def test_it_never_passes_the_cap_even_after_many_failures():
    assert all(48 <= backoff_seconds(base=10, attempt=n, cap=60) <= 60 for n in (3, 10, 64, 10_000))
