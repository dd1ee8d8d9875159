"""When a feed is polled next: adaptive intervals within bounds, 304s counted, Retry-After on 429 and 503 honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from claims_tracker.ingest import politeness, polling, schedule
from claims_tracker.ingest.models import Feed, FeedStatus
from claims_tracker.ingest.services import IngestError
from tests.ingest.pages import rss, short_page
from tests.ingest.server import LocalServer

pytestmark = pytest.mark.django_db

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


@pytest.fixture(autouse=True)
def _clean_hosts(allow_private, settings):
    settings.INGEST_FEED_MIN_INTERVAL, settings.INGEST_FEED_MAX_INTERVAL = 300, 3600
    politeness.limiter.forget()
    yield
    politeness.limiter.forget()


def poll(feed: Feed, capture) -> polling.PollResult:
    with capture(execute=True):
        return polling.feed_poll(feed.pk)


def serve(server: LocalServer, n: int) -> str:
    """The feed at /rss with `n` entries (an ETag of its own, so an unchanged feed answers 304)."""
    items = [(f"g{i}", server.route(f"/news/{i}", short_page(i)), f"Report {i}") for i in range(n)]
    return server.route("/rss", rss(items), headers=RSS_TYPE, etag=True)


def interval_after(feed: Feed, capture) -> int:
    before = timezone.now()
    poll(feed, capture)
    feed.refresh_from_db()
    after = timezone.now()
    assert before + timedelta(seconds=feed.poll_interval) <= feed.next_poll_at
    assert feed.next_poll_at <= after + timedelta(seconds=feed.poll_interval)
    return feed.poll_interval


class TestAdaptiveInterval:
    def test_it_halves_on_new_entries_and_grows_on_quiet_polls(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=serve(server, 1), poll_interval=1200)
        # The first poll finds the backlog: it says nothing about how often the feed changes.
        assert interval_after(feed, django_capture_on_commit_callbacks) == 1200
        assert interval_after(feed, django_capture_on_commit_callbacks) == 1800  # 304: x1.5
        serve(server, 2)
        assert interval_after(feed, django_capture_on_commit_callbacks) == 900  # a new entry: halved
        assert interval_after(feed, django_capture_on_commit_callbacks) == 1350
        assert feed.last_status == FeedStatus.NOT_MODIFIED

    def test_it_stays_within_the_editors_bounds(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(
            url=serve(server, 1), poll_interval=500, poll_interval_min=400, poll_interval_max=600
        )
        poll(feed, django_capture_on_commit_callbacks)
        assert interval_after(feed, django_capture_on_commit_callbacks) == 600  # 750, capped
        assert interval_after(feed, django_capture_on_commit_callbacks) == 600
        serve(server, 2)
        assert interval_after(feed, django_capture_on_commit_callbacks) == 400  # 300, floored

    def test_a_feed_that_changes_hourly_is_polled_less_often_than_one_that_changes_every_minute(self):
        def settled_interval(changes_every: int) -> float:
            feed = Feed(url="https://x.example/rss", poll_interval=900)
            now, last, intervals = 0, 0, []
            for n in range(400):  # about a week of polls, in simulated time
                now += feed.poll_interval
                new = now // changes_every > last // changes_every
                feed.poll_interval = schedule.next_interval(feed, new_entries=int(new), first_success=n == 0)
                last = now
                intervals.append(feed.poll_interval)
            return sum(intervals[100:]) / len(intervals[100:])

        minutely, hourly = settled_interval(60), settled_interval(3600)
        assert minutely == 300  # the minimum
        assert 900 < hourly < 3600  # slower, within the bounds (about 37% of its polls find something)

    def test_failures_leave_the_interval_and_back_off_from_it(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=server.route("/rss", b"gone", status=404), poll_interval=600)
        before = timezone.now()
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.poll_interval == 600 and feed.consecutive_failures == 1
        assert feed.next_poll_at >= before + timedelta(seconds=600 * 2 * 0.8)

    def test_it_refuses_bounds_that_cannot_hold(self, server):
        url = serve(server, 0)
        with pytest.raises(IngestError) as low:
            polling.feed_create(url=url, poll_interval=600, poll_interval_min=30)
        assert low.value.field == "poll_interval_min"
        with pytest.raises(IngestError) as crossed:
            polling.feed_create(url=url, poll_interval=600, poll_interval_min=900, poll_interval_max=300)
        assert crossed.value.field == "poll_interval_max" and "longer than the longest" in crossed.value.message
        with pytest.raises(IngestError) as outside:
            polling.feed_create(url=url, poll_interval=7200)  # above the default maximum
        assert outside.value.field == "poll_interval" and "60 min" in outside.value.message
        assert not Feed.objects.exists()

    def test_new_bounds_bring_the_interval_within_them_at_once(self, server):
        feed = polling.feed_create(url=serve(server, 0), poll_interval=3000)
        schedule.feed_set_bounds(feed=feed, low=120, high=1200)
        feed.refresh_from_db()
        assert (feed.poll_interval_min, feed.poll_interval_max, feed.poll_interval) == (120, 1200, 1200)
        schedule.feed_set_bounds(feed=feed, low=None, high=None)
        feed.refresh_from_db()
        assert schedule.interval_bounds(feed) == (300, 3600) and feed.poll_interval == 1200


class TestNotModifiedCount:
    def test_polls_and_304s_are_counted(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=serve(server, 1))
        for _ in range(3):
            poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert (feed.poll_count, feed.not_modified_count, feed.not_modified_share) == (3, 2, 67)

    def test_a_304_poll_costs_two_queries(self, server, django_capture_on_commit_callbacks, django_assert_num_queries):
        feed = polling.feed_create(url=serve(server, 0))
        poll(feed, django_capture_on_commit_callbacks)
        with django_assert_num_queries(2):  # the feed read, one UPDATE with the counters and the schedule
            result = polling.feed_poll(feed.pk)
        assert result.status == FeedStatus.NOT_MODIFIED

    def test_a_failed_poll_counts_as_a_poll_not_as_a_304(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=server.route("/rss", b"down", status=500))
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert (feed.poll_count, feed.not_modified_count) == (1, 0)


class TestRetryAfter:
    def slow_down(self, server: LocalServer, path: str, status: int, retry_after: str | None) -> str:
        headers = {"Content-Type": "text/plain"} | ({"Retry-After": retry_after} if retry_after is not None else {})
        return server.route(path, b"slow down", status=status, headers=headers)

    def test_a_503_pushes_the_feed_and_its_host_back_by_retry_after(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=self.slow_down(server, "/busy", 503, "7200"), poll_interval=600)
        other = polling.feed_create(url=serve(server, 0), poll_interval=600)
        before = timezone.now()
        result = poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert result.status == FeedStatus.FAILED and "HTTP 503" in feed.last_error and "7200 s" in feed.last_error
        assert feed.next_poll_at >= before + timedelta(seconds=7200) and feed.consecutive_failures == 1
        # The same host is left alone too: the other feed's poll is put back, the server not asked.
        result = poll(other, django_capture_on_commit_callbacks)
        other.refresh_from_db()
        assert result.status == polling.DEFERRED and not server.hits_for("/rss")
        assert other.next_poll_at >= before + timedelta(seconds=7000)
        assert (other.poll_count, other.consecutive_failures, other.last_status) == (0, 0, FeedStatus.NEW)

    def test_a_429_with_an_http_date_is_honoured(self, server, django_capture_on_commit_callbacks):
        when = datetime.now(UTC) + timedelta(hours=2)
        feed = polling.feed_create(url=self.slow_down(server, "/rss", 429, format_datetime(when, usegmt=True)))
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.next_poll_at >= when - timedelta(seconds=2) and "HTTP 429" in feed.last_error

    def test_a_retry_after_beyond_the_cap_is_bounded(self, server, settings, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=self.slow_down(server, "/rss", 503, str(10 * 365 * 86400)))
        after = timezone.now()
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.next_poll_at <= timezone.now() + timedelta(seconds=settings.INGEST_FEED_BACKOFF_MAX)
        assert feed.next_poll_at >= after + timedelta(seconds=settings.INGEST_FEED_BACKOFF_MAX - 5)

    @pytest.mark.parametrize("value", [None, "soon", "-5", ""])
    def test_without_a_readable_retry_after_the_usual_backoff_applies(
        self, server, value, django_capture_on_commit_callbacks
    ):
        feed = polling.feed_create(url=self.slow_down(server, "/rss", 429, value), poll_interval=600)
        before = timezone.now()
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert "HTTP 429" in feed.last_error and "asking to wait" not in feed.last_error
        assert before + timedelta(seconds=959) <= feed.next_poll_at <= timezone.now() + timedelta(seconds=1200)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert politeness.retry_after_seconds("120", now=now) == 120
    assert politeness.retry_after_seconds("Thu, 01 Jan 2026 13:00:00 GMT", now=now) == 3600
    assert politeness.retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0  # in the past: now
    assert politeness.retry_after_seconds("in a while", now=now) is None
    assert politeness.retry_after_seconds(None, now=now) is None
