"""WebSub: discovery in the feed, subscription with a secret, the hub's verification of intent, signed pushes
recorded by the same code as polls, against a real hub on 127.0.0.1 and our callback served by a live server."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import polling, websub
from claims_tracker.ingest.feeds import parse_feed
from claims_tracker.ingest.models import Feed, FeedEntry, WebSubState, WebSubSubscription
from tests.ingest.conftest import wait_until
from tests.ingest.hub import Hub
from tests.ingest.pages import short_page
from tests.ingest.server import LocalServer

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def hub_feed(items: list[tuple[str, str]], *, hub: str, topic: str) -> str:
    """An RSS feed naming its hub and itself with atom:link, as WebSub §4 has publishers do."""
    rows = "".join(
        f"<item><guid>{html.escape(g)}</guid><link>{html.escape(link)}</link><title>{g}</title></item>"
        for g, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f'<title>Pushed</title><link>http://example.org/</link><atom:link rel="hub" href="{html.escape(hub)}"/>'
        f'<atom:link rel="self" href="{html.escape(topic)}"/>{rows}</channel></rss>'
    )


@pytest.fixture
def hub():
    h = Hub()
    yield h
    h.close()


@pytest.fixture
def subscribed(live_server, settings, server: LocalServer, hub: Hub, allow_private):
    """A feed polled once, which found its hub, subscribed and was verified through our live callback."""
    settings.SITE_URL = live_server.url
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 0, 0
    topic = server.url("/rss")
    server.route(
        "/rss", hub_feed([("g1", server.route("/n/1", short_page(1)))], hub=hub.url, topic=topic), headers=RSS_TYPE
    )
    feed = Feed.objects.create(url=topic)
    polling.feed_poll(feed.pk)  # eager: the subscription is asked for once the poll commits
    wait_until(lambda: hub.verified(), timeout=30, message="the hub's verification")
    return feed, topic


@pytest.mark.django_db(transaction=True)
class TestWebSubFlow:
    def test_a_polled_feed_naming_a_hub_is_subscribed_and_verified(self, subscribed, hub):
        feed, topic = subscribed
        (request,) = hub.requests
        assert request["hub.mode"] == "subscribe" and request["hub.topic"] == topic
        assert len(request["hub.secret"]) >= 32 and int(request["hub.lease_seconds"]) > 0
        sub = WebSubSubscription.objects.get(feed=feed)
        assert request["hub.callback"].endswith(reverse("websub-callback", args=[sub.token]))
        assert sub.state == WebSubState.ACTIVE and sub.secret == request["hub.secret"]
        assert sub.lease_expires_at is not None

    def test_a_signed_push_is_recorded_once_like_a_poll(self, subscribed, hub, server):
        feed, topic = subscribed
        page = server.route("/n/2", short_page(2))
        body = hub_feed([("g1", server.url("/n/1")), ("g2", page)], hub=hub.url, topic=topic).encode()
        assert hub.publish(topic, body) == [202]
        guids = FeedEntry.objects.filter(feed=feed).values_list("guid", flat=True)
        assert sorted(guid.rsplit("/", 1)[-1] for guid in guids) == ["g1", "g2"]  # made absolute by feedparser
        wait_until(
            lambda: Article.objects.filter(url=page, ingest_state=IngestState.DONE).exists(), message="pushed article"
        )
        assert hub.publish(topic, body) == [202]  # delivered again: nothing twice
        assert FeedEntry.objects.filter(feed=feed).count() == 2 and Article.objects.filter(url=page).count() == 1
        sub = WebSubSubscription.objects.get(feed=feed)
        assert sub.push_count == 2 and sub.last_push_at is not None
        assert "Pushed by the hub" in Feed.objects.get(pk=feed.pk).last_poll_note

    def test_a_push_with_a_wrong_or_missing_signature_is_acknowledged_and_ignored(
        self, subscribed, hub, server, client
    ):
        feed, topic = subscribed
        body = hub_feed([("forged", server.url("/n/9"))], hub=hub.url, topic=topic).encode()
        assert hub.publish(topic, body, secret="not-the-secret") == [202]
        token = WebSubSubscription.objects.get(feed=feed).token
        unsigned = client.post(reverse("websub-callback", args=[token]), body, content_type="application/rss+xml")
        assert unsigned.status_code == 202 and unsigned.json() == {"status": "received"}
        assert not FeedEntry.objects.filter(guid__endswith="forged").exists()
        assert WebSubSubscription.objects.get(feed=feed).push_count == 0

    def test_a_lease_ending_soon_is_renewed_on_the_same_callback(self, subscribed, hub, server):
        feed, topic = subscribed
        before = WebSubSubscription.objects.get(feed=feed)
        polling.feed_poll(feed.pk)  # the lease (the hub's: 1 hour) has most of its time to run: no renewal
        assert len(hub.requests) == 1
        ends = timezone.now() + timedelta(hours=2)
        WebSubSubscription.objects.filter(pk=before.pk).update(
            requested_at=timezone.now() - timedelta(days=9), lease_expires_at=ends
        )
        polling.feed_poll(feed.pk)
        wait_until(lambda: len(hub.verified()) == 2, timeout=30, message="the renewal verified")
        after = WebSubSubscription.objects.get(feed=feed)
        assert [r["hub.callback"] for r in hub.requests][0] == hub.requests[1]["hub.callback"]
        assert (after.token, after.secret, after.state) == (before.token, before.secret, WebSubState.ACTIVE)
        assert after.lease_expires_at > timezone.now() + timedelta(minutes=50)  # the hub's new lease (1 h)

    def test_a_verification_for_another_topic_or_token_is_refused(self, subscribed, hub, live_server):
        feed, topic = subscribed
        (sub,) = hub.verified()
        wrong = hub.verify(sub, topic=topic + "?other")
        assert not wrong.verified and wrong.answer == "HTTP 404"
        unknown = hub.verify(type(sub)(live_server.url + reverse("websub-callback", args=["nope"]), topic, "", ""))
        assert not unknown.verified and unknown.answer == "HTTP 404"


@pytest.mark.django_db
class TestWebSubEdges:
    def test_a_hub_at_a_blocked_address_is_never_asked(self, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        feed = Feed.objects.create(url="https://news.example/rss")
        sub = websub.websub_subscribe(feed_id=feed.pk, hub="http://169.254.169.254/hub", topic=feed.url)
        assert sub.state == WebSubState.FAILED and "link-local" in sub.last_error

    def test_a_hub_that_refuses_is_recorded(self, client):
        feed = Feed.objects.create(url="https://news.example/rss")
        sub = WebSubSubscription.objects.create(
            feed=feed, hub="https://hub.example/", topic=feed.url, token="t", secret="s"
        )
        params = {"hub.mode": "denied", "hub.topic": feed.url, "hub.reason": "not allowed here"}
        assert client.get(reverse("websub-callback", args=["t"]), params).status_code == 200
        sub.refresh_from_db()
        assert sub.state == WebSubState.DENIED and sub.last_error == "not allowed here"

    def test_the_feed_page_shows_the_push_state(self, client, editor):
        client.force_login(editor)
        feed = Feed.objects.create(url="https://news.example/rss")
        page = client.get(reverse("ingest-feed-detail", args=[feed.pk])).content.decode()
        assert "the feed names no hub" in page
        WebSubSubscription.objects.create(
            feed=feed,
            hub="https://hub.example/",
            topic=feed.url,
            token="t",
            secret="k3y-s3cret",
            state=WebSubState.ACTIVE,
        )
        page = client.get(reverse("ingest-feed-detail", args=[feed.pk])).content.decode()
        assert "Pushing" in page and "0 pushes" in page and "https://hub.example/" in page and "k3y-s3cret" not in page

    def test_an_unknown_callback_answers_our_error_shape(self, client):
        response = client.post(reverse("websub-callback", args=["nope"]), b"x", content_type="text/plain")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert client.put(reverse("websub-callback", args=["nope"])).status_code == 405

    def test_a_push_larger_than_the_server_accepts_is_refused(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        response = client.post(reverse("websub-callback", args=["t"]), b"x" * 2000, content_type="text/plain")
        assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"

    def test_discovery_prefers_link_headers_then_the_document(self):
        parsed = parse_feed(hub_feed([], hub="https://doc-hub.example/", topic="https://x.example/self").encode())
        assert (parsed.hub, parsed.self_url) == ("https://doc-hub.example/", "https://x.example/self")
        headers = {"link": '<https://link-hub.example/>; rel="hub", </feed.xml>; rel="self"'}
        found = websub.discover(headers=headers, url="https://x.example/rss", parsed=parsed)
        assert found == ("https://link-hub.example/", "https://x.example/feed.xml")
        assert websub.discover(headers={}, url="https://x.example/rss", parsed=parsed) == (
            "https://doc-hub.example/",
            "https://x.example/self",
        )
        plain = parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>')
        assert websub.discover(headers={}, url="https://x.example/rss", parsed=plain) is None
        json_feed = (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [], "feed_url": "https://x.example/f.json",'
        )
        json_feed += b' "hubs": [{"type": "WebSub", "url": "https://json-hub.example/"}]}'
        assert websub.discover(headers={}, url="https://x.example/f.json", parsed=parse_feed(json_feed)) == (
            "https://json-hub.example/",
            "https://x.example/f.json",
        )

    @pytest.mark.parametrize(
        "header, ok",
        [("sha256={good}", True), ("sha1={sha1}", True), ("sha256=00", False), ("", False), ("md5={good}", False)],
    )
    def test_signatures_are_checked_by_method(self, header, ok):
        import hashlib
        import hmac

        good = hmac.new(b"key", b"body", hashlib.sha256).hexdigest()
        sha1 = hmac.new(b"key", b"body", hashlib.sha1).hexdigest()
        assert websub.signature_matches(secret="key", body=b"body", header=header.format(good=good, sha1=sha1)) is ok
