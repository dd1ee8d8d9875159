"""The date tag every page uses: absolute UTC date, relative time in the tooltip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from django.utils import timezone as dj_timezone

from claims_tracker.claims.templatetags.claims_extras import relative_time, when


def test_it_shows_the_utc_date_and_time_with_the_relative_time_as_tooltip():
    html = when(datetime(2023, 1, 13, 6, 5, tzinfo=UTC))
    assert html.startswith('<time datetime="2023-01-13T06:05:00+00:00" title="')
    assert html.endswith('">13 Jan 2023, 06:05 UTC</time>')
    assert " years ago" in html


def test_it_converts_other_zones_to_utc_and_can_leave_out_the_time():
    kyiv = timezone(timedelta(hours=2))
    assert when(datetime(2023, 1, 1, 1, 30, tzinfo=kyiv), False).endswith(">31 Dec 2022</time>")
    assert 'datetime="2022-12-31T23:30:00+00:00"' in when(datetime(2023, 1, 1, 1, 30, tzinfo=kyiv))


def test_plain_dates_and_missing_values():
    assert when(date(2023, 1, 25)) == '<time datetime="2023-01-25">25 Jan 2023</time>'
    assert when(None) == '<span class="muted">—</span>'


def test_relative_time_names_the_largest_whole_unit():
    now = dj_timezone.now()
    cases = {
        timedelta(seconds=20): "just now",
        timedelta(minutes=1): "1 minute ago",
        timedelta(hours=5, minutes=59): "5 hours ago",
        timedelta(days=1): "1 day ago",
        timedelta(days=15): "2 weeks ago",
        timedelta(days=65): "2 months ago",
        timedelta(days=800): "2 years ago",
    }
    for delta, expected in cases.items():
        assert relative_time(now - delta, now) == expected, delta
    assert relative_time(now + timedelta(days=1), now) == "in the future"
