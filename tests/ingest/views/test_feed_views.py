"""Editors' feed pages: list with health and errors, add, detail, pause/resume, poll now, article progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest.models import Feed, FeedEntry, FeedStatus
from tests.factories import OutletFactory, UserFactory
from tests.ingest.pages import rss, short_page
from tests.ingest.server import busy_at_first

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def failing_feed():
    return Feed.objects.create(
        url="https://broken.example/rss",
        title="Broken Wire",
        consecutive_failures=3,
        last_status=FeedStatus.BROKEN,
        last_error="Broken feed: not a readable feed: unclosed token",
    )


class TestFeedList:
    def test_it_shows_health_and_the_error(self, editor_client, failing_feed):
        Feed.objects.create(url="https://ok.example/rss", title="Fine Wire", last_status=FeedStatus.OK)
        response = editor_client.get(reverse("ingest-feed-list"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Broken Wire" in page and "unclosed token" in page and "Broken feed" in page
        assert "Fine Wire" in page and "Healthy" in page
        assert "1 feed failing" in page

    def test_it_has_a_helpful_empty_state(self, editor_client):
        page = editor_client.get(reverse("ingest-feed-list")).content.decode()
        assert "No feeds yet" in page and 'name="url"' in page

    def test_it_uses_a_fixed_number_of_queries(self, editor_client, django_assert_max_num_queries):
        for i in range(15):
            feed = Feed.objects.create(url=f"https://f{i}.example/rss", outlet=OutletFactory())
            FeedEntry.objects.create(feed=feed, guid=f"g{i}")
        with django_assert_max_num_queries(10):
            assert editor_client.get(reverse("ingest-feed-list")).status_code == 200

    def test_it_redirects_anonymous_visitors_to_login(self, client):
        response = client.get(reverse("ingest-feed-list"))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_it_refuses_non_editors(self, client):
        client.force_login(UserFactory(username="reader"))
        assert client.get(reverse("ingest-feed-list")).status_code == 403

    def test_it_rejects_post(self, editor_client):
        assert editor_client.post(reverse("ingest-feed-list")).status_code == 405


class TestFeedAdd:
    def test_it_adds_a_feed_and_polls_it(
        self, editor_client, editor, server, allow_private, django_capture_on_commit_callbacks
    ):
        link = server.route("/n/1", short_page(1))
        url = server.route("/rss", rss([("g", link, "One")]), headers={"Content-Type": "application/rss+xml"})
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(reverse("ingest-feed-add"), {"url": url, "poll_interval": 30})
        feed = Feed.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("ingest-feed-detail", args=[feed.pk])
        assert feed.added_by == editor and feed.poll_interval == 1800
        assert feed.last_status == FeedStatus.OK
        assert Article.objects.get().ingest_state == IngestState.DONE

    @pytest.mark.parametrize(
        "url, message",
        [
            ("ftp://example.org/rss", "Only http and https"),
            ("http://169.254.169.254/rss", "link-local"),
            ("", "required"),
        ],
    )
    def test_it_shows_a_clear_error_for_a_bad_url(self, editor_client, settings, url, message):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        response = editor_client.post(reverse("ingest-feed-add"), {"url": url, "poll_interval": 15})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Feed.objects.exists()

    def test_it_refuses_a_duplicate(self, editor_client, failing_feed):
        response = editor_client.post(reverse("ingest-feed-add"), {"url": failing_feed.url, "poll_interval": 15})
        assert "already followed" in response.content.decode()

    def test_it_requires_an_editor(self, client):
        client.force_login(UserFactory(username="reader"))
        response = client.post(reverse("ingest-feed-add"), {"url": "https://x.example/rss", "poll_interval": 15})
        assert response.status_code == 403 and not Feed.objects.exists()


class TestFeedDetail:
    def test_it_shows_entries_with_their_article_state(self, editor_client, failing_feed):
        article = Article.objects.create(
            url="https://x.example/a",
            title="A report",
            ingest_state=IngestState.FAILED,
            last_error="The server answered HTTP 404",
        )
        FeedEntry.objects.create(feed=failing_feed, guid="g", link=article.url, article=article)
        page = editor_client.get(reverse("ingest-feed-detail", args=[failing_feed.pk])).content.decode()
        assert "A report" in page and "HTTP 404" in page and "unclosed token" in page

    def test_it_answers_404_for_an_unknown_feed(self, editor_client):
        assert editor_client.get(reverse("ingest-feed-detail", args=[999])).status_code == 404


class TestFeedToggleAndPoll:
    def test_it_pauses_and_resumes(self, editor_client, failing_feed):
        url = reverse("ingest-feed-toggle", args=[failing_feed.pk])
        editor_client.post(url)
        failing_feed.refresh_from_db()
        assert not failing_feed.active
        assert "Paused" in editor_client.get(reverse("ingest-feed-list")).content.decode()
        editor_client.post(url)
        failing_feed.refresh_from_db()
        assert failing_feed.active and failing_feed.consecutive_failures == 0

    def test_toggle_and_poll_reject_get(self, editor_client, failing_feed):
        assert editor_client.get(reverse("ingest-feed-toggle", args=[failing_feed.pk])).status_code == 405
        assert editor_client.get(reverse("ingest-feed-poll", args=[failing_feed.pk])).status_code == 405

    def test_poll_now_polls_the_feed(self, editor_client, server, allow_private, django_capture_on_commit_callbacks):
        feed = Feed.objects.create(url=server.route("/rss", rss([]), headers={"Content-Type": "application/rss+xml"}))
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(reverse("ingest-feed-poll", args=[feed.pk]), follow=True)
        assert "Poll queued" in response.content.decode()
        assert len(server.hits_for("/rss")) == 1

    @pytest.mark.django_db(transaction=True)
    def test_poll_now_on_eager_tasks_retries_a_busy_article_without_breaking_the_request(
        self, editor_client, server, allow_private
    ):
        """No broker: the poll and its articles run in the request once it commits, a transient error included."""
        server.route("/n/busy", handler=busy_at_first(short_page(1)))
        items = [("busy", server.url("/n/busy"), "Busy"), ("two", server.route("/n/2", short_page(2)), "Two")]
        url = server.route("/rss", rss(items), headers={"Content-Type": "application/rss+xml"})
        feed = Feed.objects.create(url=url)
        response = editor_client.post(reverse("ingest-feed-poll", args=[feed.pk]))
        assert response.status_code == 302
        assert sorted(Article.objects.values_list("ingest_state", flat=True)) == [IngestState.DONE] * 2
        assert len(server.hits_for("/n/busy")) == 2
        feed.refresh_from_db()
        assert feed.last_status == FeedStatus.OK and feed.next_poll_at > feed.last_polled_at

    def test_poll_now_refuses_a_paused_feed(self, editor_client, server, allow_private):
        feed = Feed.objects.create(url=server.route("/rss", rss([])), active=False)
        response = editor_client.post(reverse("ingest-feed-poll", args=[feed.pk]), follow=True)
        assert "paused" in response.content.decode()
        assert server.hits == []


class TestArticleProgress:
    def test_it_reports_live_state_as_json(self, editor_client):
        article = Article.objects.create(
            url="https://x.example/a", ingest_state=IngestState.FAILED, last_error="Timeout"
        )
        data = editor_client.get(reverse("ingest-article-progress", args=[article.pk])).json()
        assert (data["state"], data["error"], data["finished"], data["candidates"]) == ("failed", "Timeout", True, 0)

    def test_it_requires_an_editor(self, client):
        article = Article.objects.create(url="https://x.example/a")
        assert client.get(reverse("ingest-article-progress", args=[article.pk])).status_code == 302
