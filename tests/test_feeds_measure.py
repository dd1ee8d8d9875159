"""bench/feeds_measure.py's memory verdict: the least-squares slope, RSS by minute, and flat against growing, on
series shaped as the bench records them (a point every 15 s; RSS in bytes)."""

from __future__ import annotations

import pytest

from bench.feeds_measure import least_squares_slope, memory_trend, rss_by_minute

MB = 2**20


def series(mbs: list[float], every: float = 15.0) -> list[tuple[float, int]]:
    return [(i * every, round(mb * MB)) for i, mb in enumerate(mbs)]


def test_the_slope_is_the_least_squares_line_through_the_points():
    assert least_squares_slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    # Mean (1.5, 11.5): sum of dx*dy 4.0 over sum of dx^2 5.0.
    assert least_squares_slope([(0, 10), (1, 12), (2, 11), (3, 13)]) == pytest.approx(0.8)
    assert least_squares_slope([(5, 7)]) == 0.0
    assert least_squares_slope([(5, 7), (5, 9)]) == 0.0  # no spread in x: no slope


def test_warm_up_in_the_first_half_is_not_growth():
    # A poller warming up from 120 MB to 160 MB over its first two minutes, then steady within half a MB for eight.
    warm = [120 + 40 * i / 8 for i in range(9)]
    steady = [160 + (0.5 if i % 3 == 0 else -0.25 if i % 3 == 1 else 0) for i in range(32)]
    trend = memory_trend(series(warm + steady))
    assert trend.verdict == "flat"
    assert abs(trend.slope) < 0.1 and abs(trend.change) < 1
    assert trend.threshold == 5.0
    assert "FLAT" in trend.line() and "flat below 5.0 MB" in trend.line()


def test_a_steady_climb_in_the_second_half_grows():
    # The same warm-up, then 1.5 MB a minute for eight minutes: 7.5 MB over the second half (five minutes).
    warm = [120 + 40 * i / 8 for i in range(9)]
    climb = [160 + 1.5 * (i + 1) / 4 for i in range(32)]
    trend = memory_trend(series(warm + climb))
    assert trend.slope == pytest.approx(1.5, abs=0.01)
    assert trend.fitted == pytest.approx(7.5, abs=0.1)
    assert trend.change == pytest.approx(7.5, abs=0.4)
    assert trend.verdict == "grows"
    assert "GROWS" in trend.line()


def test_the_threshold_is_a_share_of_a_large_process():
    # 608 MB at half-way: flat below 2% (12.2 MB), so 8 MB of drift over the second half is flat; 15 MB is not.
    drift = memory_trend(series([600 + 8 * i / 20 for i in range(41)]))
    assert drift.threshold == pytest.approx(0.02 * 608)
    assert drift.verdict == "flat"
    assert memory_trend(series([600 + 15 * i / 20 for i in range(41)])).verdict == "grows"


def test_a_step_at_the_end_counts_even_if_the_fitted_line_is_lower():
    # Flat at 300 MB, then 8 MB more at the last sample: the slope sees part of it, the change all of it.
    trend = memory_trend(series([300.0] * 20 + [308.0]))
    assert trend.fitted < trend.change
    assert trend.change == pytest.approx(8.0)
    assert trend.verdict == "grows"


def test_too_few_points_in_the_second_half_cannot_tell():
    assert memory_trend(series([100, 101, 102, 103, 104])).verdict == "too short"  # 3 points from half-way on
    assert memory_trend([]).verdict == "too short"
    assert "too short" in memory_trend([]).line()


def test_rss_by_minute_takes_the_sample_nearest_each_minute_and_a_late_end():
    two_minutes = [(0.0, 100 * MB), (30.0, 110 * MB), (59.0, 120 * MB), (75.0, 125 * MB), (120.4, 130 * MB)]
    assert rss_by_minute(two_minutes) == [(1, 120 * MB), (2, 130 * MB)]  # the end, 0.4 s past minute 2
    assert rss_by_minute([*two_minutes, (150.0, 131 * MB)]) == [(1, 120 * MB), (2, 130 * MB), (2.5, 131 * MB)]
    assert rss_by_minute([]) == []
