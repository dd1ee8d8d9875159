"""The feed page's polling facts (interval in use, bounds, 304s) and the bounds an editor sets there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.ingest.models import Feed, FeedStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def feed(settings):
    settings.INGEST_FEED_MIN_INTERVAL, settings.INGEST_FEED_MAX_INTERVAL = 300, 3600
    return Feed.objects.create(
        url="https://wire.example/rss",
        title="Wire",
        poll_interval=1350,
        last_status=FeedStatus.NOT_MODIFIED,
        poll_count=40,
        not_modified_count=30,
    )


def bounds(feed: Feed) -> str:
    return reverse("ingest-feed-bounds", args=[feed.pk])


class TestFeedDetailPolling:
    def test_it_shows_the_interval_in_use_its_bounds_and_the_304s(self, editor_client, feed):
        page = editor_client.get(reverse("ingest-feed-detail", args=[feed.pk])).content.decode()
        assert "22 min now" in page and "adapts between 5 and 60 min" in page
        assert "30 of 40 polls (75%)" in page
        assert 'action="' + bounds(feed) + '"' in page and "Empty: 5 min." in page

    def test_a_feed_never_polled_says_so(self, editor_client):
        fresh = Feed.objects.create(url="https://new.example/rss")
        page = editor_client.get(reverse("ingest-feed-detail", args=[fresh.pk])).content.decode()
        assert "no polls yet" in page


class TestFeedBounds:
    def test_it_saves_the_bounds_and_brings_the_interval_within_them(self, editor_client, feed):
        response = editor_client.post(bounds(feed), {"poll_interval_min": "2", "poll_interval_max": "10"})
        assert response.status_code == 302 and response["Location"] == reverse("ingest-feed-detail", args=[feed.pk])
        feed.refresh_from_db()
        assert (feed.poll_interval_min, feed.poll_interval_max, feed.poll_interval) == (120, 600, 600)
        page = editor_client.get(response["Location"]).content.decode()
        assert "Polling bounds saved." in page and "adapts between 2 and 10 min" in page

    def test_empty_fields_mean_the_defaults(self, editor_client, feed):
        Feed.objects.filter(pk=feed.pk).update(poll_interval_min=120, poll_interval_max=600, poll_interval=600)
        editor_client.post(bounds(feed), {"poll_interval_min": "", "poll_interval_max": ""})
        feed.refresh_from_db()
        assert (feed.poll_interval_min, feed.poll_interval_max, feed.poll_interval) == (None, None, 600)

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"poll_interval_min": "30", "poll_interval_max": "10"}, "is longer than the longest"),
            ({"poll_interval_min": "0"}, "greater than or equal to 1"),
            ({"poll_interval_min": "many"}, "Enter a whole number"),
            ({"poll_interval_max": str(10**12)}, "less than or equal to"),
        ],
    )
    def test_it_refuses_bad_bounds_clearly_and_changes_nothing(self, editor_client, feed, data, message):
        response = editor_client.post(bounds(feed), data, follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and "Polling bounds not changed." in page and message in page
        feed.refresh_from_db()
        assert (feed.poll_interval_min, feed.poll_interval_max, feed.poll_interval) == (None, None, 1350)

    def test_it_rejects_get(self, editor_client, feed):
        assert editor_client.get(bounds(feed)).status_code == 405

    def test_it_requires_an_editor(self, client, feed):
        assert client.post(bounds(feed), {"poll_interval_min": "2"}).status_code == 302  # to the login page
        client.force_login(UserFactory(username="reader"))
        assert client.post(bounds(feed), {"poll_interval_min": "2"}).status_code == 403
        feed.refresh_from_db()
        assert feed.poll_interval_min is None

    def test_it_answers_404_for_an_unknown_feed(self, editor_client):
        assert editor_client.post(reverse("ingest-feed-bounds", args=[999]), {}).status_code == 404


class TestFeedAddBounds:
    def test_it_creates_a_feed_with_its_bounds(self, editor_client, settings, server, allow_private):
        url = server.route("/rss", b"<rss><channel><title>T</title></channel></rss>")
        data = {"url": url, "poll_interval": 5, "poll_interval_min": 2, "poll_interval_max": 30}
        assert editor_client.post(reverse("ingest-feed-add"), data).status_code == 302
        feed = Feed.objects.get()
        assert (feed.poll_interval, feed.poll_interval_min, feed.poll_interval_max) == (300, 120, 1800)

    def test_a_start_outside_the_bounds_is_refused_on_its_field(self, editor_client, server, allow_private):
        url = server.route("/rss", b"<rss/>")
        data = {"url": url, "poll_interval": 90, "poll_interval_max": 30}
        response = editor_client.post(reverse("ingest-feed-add"), data)
        assert response.status_code == 400 and "Start between the shortest and the longest" in response.content.decode()
        assert not Feed.objects.exists()
