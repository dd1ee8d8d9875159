"""The feed poller SIGKILLed mid-poll (issue #21: "nothing is lost when a worker is killed mid-poll", and every new
item ingested exactly once).

The processes run as deployed: a thread-pool poller on `feeds` (`make poller`: `-Q feeds -P threads -c 16`), a
prefork worker on `ingest,default` (`make worker`), and beat, on a Redis of the test's own. The feed is polled once
(two items, ingested), then publishes two more and falls due; the poll that fetches it hangs at the server until its
poller has been killed (the whole process group, by pid), and a new poller is started.

What brings the poll back, on Redis as deployed, is the feed's claim lease, not the broker. The beat's fan-out
(`feeds_claim_due`) moves a claimed feed's `next_poll_at` INGEST_FEED_LEASE ahead; the killed poll never records
anything, so once the lease ends the feed is due again and the next fan-out (every INGEST_POLL_EVERY s) sends a new
`fetch_feed`: a retry within INGEST_FEED_LEASE + INGEST_POLL_EVERY of the claim (15 min + 1 min by default). The
broker hands the killed message back only after its visibility timeout (an hour), and the articles' stall sweep
(`requeue_stalled_articles`) does not look at feeds. The first test keeps the hour, shortens the lease to 15 s
(above the task time limit, as the settings require) and checks that the poll that came back is a new message
(another task id) sent after the lease's end. The second covers the other way back, first where the broker
redelivers sooner than the lease ends (RabbitMQ, or a short visibility timeout): the killed message itself, while
the lease holds. Either way each new item becomes one article and the feed's counters count two polls.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import timedelta

import pytest

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest.models import Feed, FeedEntry, FeedStatus
from tests.faults.conftest import until
from tests.ingest.pages import rss, short_page
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

LEASE = 15
FETCH_FEED = re.compile(r"tasks\.fetch_feed\[([0-9a-f-]+)\] received")


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


class FeedThatHangs:
    """/feed.xml with an ETag (304 to a matching If-None-Match); the `hang_on`-th request waits for `release`."""

    def __init__(self, server: LocalServer, hang_on: int):
        self.server, self.hang_on = server, hang_on
        self.items: list[tuple[str, str, str]] = []
        self.requests = 0
        self.lock = threading.Lock()
        self.hanging, self.release = threading.Event(), threading.Event()
        server.route("/feed.xml", handler=self.handle)

    def publish(self, n: int) -> None:
        with self.lock:
            self.items.append((f"urn:test:item-{n}", self.server.route(f"/news/{n}", short_page(n)), f"Report {n}"))

    def body(self) -> tuple[bytes, str]:
        with self.lock:
            body = rss(list(self.items)).encode()
        return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def handle(self, request) -> None:
        with self.lock:
            self.requests += 1
            number = self.requests
        if number == self.hang_on:
            self.hanging.set()
            self.release.wait(120)  # until the poller that asked is dead
        body, tag = self.body()
        if request.headers.get("If-None-Match") == tag:
            request._send(304, b"", {"ETag": tag})
            return
        request._send(200, body, {"Content-Type": "application/rss+xml", "ETag": tag})


def articles_done(n: int) -> bool:
    states = list(Article.objects.values_list("ingest_state", flat=True))
    return len(states) == n and set(states) == {IngestState.DONE}


class Killed:
    """The scenario up to the kill, and what the test needs after it."""

    def __init__(self, procs, redis_server, server: LocalServer, **settings: str):
        self.procs, self.server = procs, server
        self.feed_server = FeedThatHangs(server, hang_on=2)
        self.feed_server.publish(0)
        self.feed_server.publish(1)
        self.feed = Feed.objects.create(url=server.url("/feed.xml"), poll_interval=900)
        self.env = {
            "CELERY_BROKER_URL": redis_server.url(0),
            "REDIS_URL": redis_server.url(1),
            "CELERY_TASK_SOFT_TIME_LIMIT": "8",
            "CELERY_TASK_TIME_LIMIT": "10",
            "INGEST_STALL_AFTER": "12",
            "INGEST_POLL_EVERY": "1",
            **settings,
        }
        procs.worker(queues=("ingest", "default"), pool="prefork", **self.env)  # `make worker`
        poller = self.poller()
        self.beat = procs.beat(**self.env)

        # The first poll: two items, two articles.
        until(lambda: self.polls() == 1, timeout=60, message="the first poll")
        until(lambda: articles_done(2), timeout=120, message="the first two articles, done")

        # Two new items, and the feed falls due: its poll hangs at the server until the poller is killed.
        self.feed_server.publish(2)
        self.feed_server.publish(3)
        Feed.objects.filter(pk=self.feed.pk).update(next_poll_at=self.feed.created_at)
        assert self.feed_server.hanging.wait(60), "the second poll never reached the server"
        procs.kill(poller)  # SIGKILL to the poller's process group, mid-fetch
        claimed = Feed.objects.get(pk=self.feed.pk)
        assert claimed.poll_count == 1  # the killed poll recorded nothing
        self.lease_end = claimed.next_poll_at
        self.killed_ids = FETCH_FEED.findall(procs.log_of(poller))
        assert len(self.killed_ids) == 2  # the first poll's and the killed one's
        self.feed_server.release.set()
        self.new_poller = self.poller()

    def poller(self):
        """As `make poller` starts it: the `feeds` queue, a thread pool of 16."""
        return self.procs.worker(queues=("feeds",), pool="threads", concurrency=16, **self.env)

    def polls(self) -> int:
        return Feed.objects.get(pk=self.feed.pk).poll_count

    def recovered(self) -> list[str]:
        """The ids of the fetch_feed messages the new poller received."""
        until(lambda: self.polls() == 2, timeout=90, message="the feed polled again")
        until(lambda: articles_done(4), timeout=120, message="all four articles, done")
        hits = self.server.hits_for("/feed.xml")
        assert len(hits) == 3  # the first poll, the killed one, the one that came back
        # The killed poll stored nothing: the one that came back asks with the first poll's ETag, as it did.
        first_tag = hits[1].headers.get("if-none-match")
        assert first_tag and hits[2].headers.get("if-none-match") == first_tag
        return FETCH_FEED.findall(self.procs.log_of(self.new_poller))

    def assert_each_item_once_and_the_feed_sane(self) -> None:
        server, feed = self.server, self.feed
        # Each item exactly once: one entry, one article, one fetch of its page.
        entries = list(FeedEntry.objects.filter(feed=feed).values_list("guid", "article_id"))
        assert sorted(guid for guid, _ in entries) == [f"urn:test:item-{n}" for n in range(4)]
        assert len({article for _, article in entries}) == 4 == Article.objects.count()
        assert set(Article.objects.values_list("url", flat=True)) == {server.url(f"/news/{n}") for n in range(4)}
        assert all(len(server.hits_for(f"/news/{n}")) == 1 for n in range(4))

        # The feed's counters and state: two polls recorded (the killed one never was), no failure, the new ETag,
        # the adapted interval (halved by new entries, within the default bounds), the next poll one interval on.
        feed.refresh_from_db()
        assert (feed.poll_count, feed.not_modified_count, feed.consecutive_failures) == (2, 0, 0)
        assert feed.last_status == FeedStatus.OK and feed.last_error == ""
        assert feed.last_poll_note.startswith("2 new entries; 2 new articles"), feed.last_poll_note
        assert feed.etag == self.feed_server.body()[1]
        assert feed.poll_interval == 450
        assert feed.next_poll_at == feed.last_polled_at + timedelta(seconds=450)

        # No other poll meanwhile: three more fan-outs, and no other request, entry or article.
        log = self.procs.log_of
        done = log(self.new_poller).count("tasks.poll_due_feeds[")
        until(
            lambda: log(self.new_poller).count("tasks.poll_due_feeds[") >= done + 6,  # received + succeeded, x3
            timeout=30,
            message="three more fan-outs",
        )
        assert len(server.hits_for("/feed.xml")) == 3
        assert FeedEntry.objects.count() == 4 == Article.objects.count()
        assert self.beat.poll() is None


def test_on_redis_the_lease_brings_a_killed_poll_back_and_each_new_item_is_ingested_once(procs, redis_server, server):
    # Production's visibility timeout: the broker keeps the killed poll's message for an hour. A 15 s lease.
    killed = Killed(procs, redis_server, server, CELERY_VISIBILITY_TIMEOUT="3600", INGEST_FEED_LEASE=str(LEASE))
    recovered_ids = killed.recovered()
    assert server.hits_for("/feed.xml")[2].at >= killed.lease_end.timestamp()  # sent once the lease ended...
    assert recovered_ids and not set(recovered_ids) & set(killed.killed_ids)  # ...as a new message
    killed.assert_each_item_once_and_the_feed_sane()


def test_a_killed_poll_the_broker_hands_back_first_is_ingested_once_too(procs, redis_server, server):
    """The other way back, first where the broker redelivers sooner than the lease ends (RabbitMQ when the
    connection drops; Redis after a visibility timeout shorter than the lease): the killed message itself."""
    fast_restore = {
        "CELERY_VISIBILITY_TIMEOUT": "11",  # above the time limit, as settings require; far below the lease
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    killed = Killed(procs, redis_server, server, **fast_restore)  # the lease: the default 900 s
    recovered_ids = killed.recovered()
    assert server.hits_for("/feed.xml")[2].at < killed.lease_end.timestamp()  # before the lease ended...
    assert killed.killed_ids[-1] in recovered_ids  # ...the killed message, delivered again
    killed.assert_each_item_once_and_the_feed_sane()
