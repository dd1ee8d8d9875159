"""Feed services: conditional GET, entries to articles, one article from two feeds, backoff, the fan-out claim."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import polling
from claims_tracker.ingest.models import Candidate, Feed, FeedEntry, FeedStatus
from claims_tracker.ingest.services import IngestError
from tests.factories import OutletFactory
from tests.ingest.pages import nested_feed, rss, short_page
from tests.ingest.server import LocalServer

pytestmark = pytest.mark.django_db

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


@pytest.fixture(autouse=True)
def _allow(allow_private):
    pass


def poll(feed: Feed, capture) -> polling.PollResult:
    with capture(execute=True):
        return polling.feed_poll(feed.pk)


def serve_feed(server: LocalServer, path: str, items: list[tuple[str, str, str]]) -> str:
    return server.route(path, rss(items), headers=RSS_TYPE, etag=True)


class TestFeedPoll:
    def test_a_poll_creates_articles_and_candidates(self, server, django_capture_on_commit_callbacks):
        outlet = OutletFactory(name="Test News")
        pages = [server.route(f"/news/{i}", short_page(i)) for i in range(3)]
        url = serve_feed(server, "/rss", [(f"g{i}", link, f"Report {i}") for i, link in enumerate(pages)])
        feed = polling.feed_create(url=url, outlet=outlet)
        result = poll(feed, django_capture_on_commit_callbacks)
        assert (result.status, result.new_entries, result.new_articles) == ("ok", 3, 3)
        articles = Article.objects.all()
        assert {a.ingest_state for a in articles} == {IngestState.DONE}
        assert {a.outlet_id for a in articles} == {outlet.pk}
        assert {a.source_feed_id for a in articles} == {feed.pk}
        assert Candidate.objects.filter(article__in=articles).count() >= 3
        feed.refresh_from_db()
        assert feed.last_status == FeedStatus.OK and feed.etag and feed.title == "Test feed"
        assert feed.next_poll_at > timezone.now() + timedelta(seconds=feed.poll_interval - 60)

    def test_a_second_poll_with_the_same_etag_fetches_nothing_new(self, server, django_capture_on_commit_callbacks):
        page = server.route("/news/1", short_page(1))
        feed = polling.feed_create(url=serve_feed(server, "/rss", [("g1", page, "One")]))
        poll(feed, django_capture_on_commit_callbacks)
        result = poll(feed, django_capture_on_commit_callbacks)
        assert result.status == FeedStatus.NOT_MODIFIED
        feed_hits = server.hits_for("/rss")
        feed.refresh_from_db()
        assert feed_hits[1].headers["if-none-match"] == feed.etag
        assert len(server.hits_for("/news/1")) == 1
        assert Article.objects.count() == 1 and FeedEntry.objects.count() == 1

    def test_it_sends_if_modified_since(self, server, django_capture_on_commit_callbacks):
        url = server.route("/rss", rss([]), headers={**RSS_TYPE, "Last-Modified": "Fri, 13 Jan 2023 09:40:00 GMT"})
        feed = polling.feed_create(url=url)
        poll(feed, django_capture_on_commit_callbacks)
        poll(feed, django_capture_on_commit_callbacks)
        assert server.hits_for("/rss")[1].headers["if-modified-since"] == "Fri, 13 Jan 2023 09:40:00 GMT"

    def test_the_same_entry_in_two_feeds_is_one_article_with_two_sources(
        self, server, django_capture_on_commit_callbacks
    ):
        page = server.route("/news/1", short_page(1))
        first = polling.feed_create(url=serve_feed(server, "/a.xml", [("a-1", page, "One")]))
        second = polling.feed_create(url=serve_feed(server, "/b.xml", [("b-1", page + "?utm_source=b", "One")]))
        poll(first, django_capture_on_commit_callbacks)
        poll(second, django_capture_on_commit_callbacks)
        article = Article.objects.get()
        assert set(article.feed_entries.values_list("feed_id", flat=True)) == {first.pk, second.pk}
        assert len(server.hits_for("/news/1")) == 1

    def test_a_repeated_delivery_of_an_entry_changes_nothing(self, server, django_capture_on_commit_callbacks):
        page = server.route("/news/1", short_page(1))
        server.route("/rss", rss([("g1", page, "One")]), headers=RSS_TYPE)  # no ETag: fetched in full again
        feed = polling.feed_create(url=server.url("/rss"))
        poll(feed, django_capture_on_commit_callbacks)
        result = poll(feed, django_capture_on_commit_callbacks)
        assert (result.new_entries, result.new_articles) == (0, 0)
        assert FeedEntry.objects.count() == 1 and Article.objects.count() == 1

    def test_an_entry_linking_to_a_blocked_address_is_refused_and_noted(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        page = server.route("/news/1", short_page(1))
        items = [("g1", page, "Fine"), ("g2", "http://169.254.169.254/latest/meta-data/", "Metadata")]
        feed = polling.feed_create(url=serve_feed(server, "/rss", items))
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert Article.objects.count() == 1
        assert "1 entry refused" in feed.last_poll_note and "link-local" in feed.last_poll_note

    def test_a_broken_feed_is_recorded_with_the_reason_and_backs_off(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=server.route("/rss", "<rss><channel><title", headers=RSS_TYPE))
        before = timezone.now()
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.last_status == FeedStatus.BROKEN
        assert feed.last_error.startswith("Broken feed:")
        assert feed.consecutive_failures == 1
        assert feed.next_poll_at > before + timedelta(seconds=feed.poll_interval * 2 * 0.79)

    def test_a_feed_over_the_parsing_caps_is_broken_and_nothing_else_is_lost(
        self, server, django_capture_on_commit_callbacks
    ):
        page = server.route("/news/1", short_page(1))
        feed = polling.feed_create(url=serve_feed(server, "/rss", [("g1", page, "One")]))
        poll(feed, django_capture_on_commit_callbacks)
        server.route("/rss", nested_feed(745_000), headers=RSS_TYPE)
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.last_status == FeedStatus.BROKEN
        assert feed.last_error == "Broken feed: refused: the document has more than 50,000 elements"
        assert Article.objects.get().ingest_state == IngestState.DONE and FeedEntry.objects.count() == 1

    def test_a_failing_feed_backs_off_up_to_the_cap(self, server, settings, django_capture_on_commit_callbacks):
        settings.INGEST_FEED_BACKOFF_MAX = 3600
        feed = polling.feed_create(url=server.route("/rss", "down", status=503), poll_interval=600)
        for _ in range(6):
            poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert feed.consecutive_failures == 6
        assert "HTTP 503" in feed.last_error
        assert feed.next_poll_at <= timezone.now() + timedelta(seconds=3600)
        assert feed.next_poll_at >= timezone.now() + timedelta(seconds=3600 * 0.79)

    def test_a_success_clears_the_error(self, server, django_capture_on_commit_callbacks):
        feed = polling.feed_create(url=server.route("/rss", "down", status=500))
        poll(feed, django_capture_on_commit_callbacks)
        server.route("/rss", rss([]), headers=RSS_TYPE)
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert (feed.consecutive_failures, feed.last_error, feed.last_status) == (0, "", FeedStatus.OK)

    def test_a_feed_at_a_blocked_address_fails_with_the_reason(self, settings, django_capture_on_commit_callbacks):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        feed = Feed.objects.create(url="http://localhost:9/rss")
        poll(feed, django_capture_on_commit_callbacks)
        feed.refresh_from_db()
        assert "localhost resolves to" in feed.last_error and feed.consecutive_failures == 1


class TestFeedCreate:
    def test_it_refuses_bad_and_duplicate_urls(self, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        for bad in ("ftp://example.org/rss", "http://10.0.0.1/rss", ""):
            with pytest.raises(IngestError) as info:
                polling.feed_create(url=bad)
            assert info.value.field == "url"
        polling.feed_create(url="https://example.org/rss")
        with pytest.raises(IngestError, match="already followed"):
            polling.feed_create(url="https://example.org/rss")


class TestClaimDue:
    def test_it_claims_only_due_active_feeds_once(self):
        now = timezone.now()
        due = Feed.objects.create(url="https://a.example/rss", next_poll_at=now - timedelta(minutes=1))
        Feed.objects.create(url="https://b.example/rss", next_poll_at=now + timedelta(minutes=5))
        Feed.objects.create(url="https://c.example/rss", next_poll_at=now - timedelta(minutes=1), active=False)
        assert polling.feeds_claim_due(now=now) == [due.pk]
        assert polling.feeds_claim_due(now=now) == []

    def test_a_tick_claims_at_most_a_batch_the_most_overdue_first(self, settings):
        settings.INGEST_POLL_BATCH = 2
        now = timezone.now()
        feeds = [
            Feed.objects.create(url=f"https://f{i}.example/rss", next_poll_at=now - timedelta(minutes=i))
            for i in range(3)
        ]
        assert polling.feeds_claim_due(now=now) == [feeds[2].pk, feeds[1].pk]
        assert polling.feeds_claim_due(now=now) == [feeds[0].pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_fan_outs_claim_each_feed_once():
    """Eight fan-outs at once on real PostgreSQL connections: every due feed is handed out exactly once."""
    now = timezone.now()
    feeds = [Feed.objects.create(url=f"https://f{i}.example/rss", next_poll_at=now) for i in range(40)]
    claimed: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def fan_out():
        try:
            barrier.wait()
            ids = polling.feeds_claim_due(now=now)
            with lock:
                claimed.extend(ids)
        finally:
            connection.close()

    threads = [threading.Thread(target=fan_out) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(claimed) == sorted(f.pk for f in feeds)
