"""The feed poller SIGKILLed mid-poll (issue #21: "nothing is lost when a worker is killed mid-poll", and every new
item ingested exactly once).

The processes run as deployed: a thread-pool poller on `feeds` (`make poller`: `-Q feeds -P threads -c 16`), a
prefork worker on `ingest,default` (`make worker`), and beat, on a Redis of the test's own. The feed is polled once
(two items, ingested), then publishes two more and falls due; the poll that fetches it hangs at the server until its
poller has been killed (the whole process group, by pid), and a new poller is started.

What brings the poll back is the feed's claim lease, not the broker. The beat's fan-out (`feeds_claim_due`) moves a
claimed feed's `next_poll_at` INGEST_FEED_LEASE ahead; the killed poll never records anything, so once the lease
ends the feed is due again and the next fan-out (every INGEST_POLL_EVERY s) sends a new `fetch_feed`: a retry within
INGEST_FEED_LEASE + INGEST_POLL_EVERY of the claim (15 min + 1 min by default). The broker would hand the killed
message back only after its visibility timeout (kept at production's hour here, so it does not), and the articles'
stall sweep (`requeue_stalled_articles`) does not look at feeds. The test shortens the lease to 15 s (above the task
time limit, as the settings require) and checks that the poll that came back is a new message (another task id)
that started after the lease's end.
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


def test_a_poller_killed_mid_poll_loses_nothing_and_ingests_each_new_item_once(procs, redis_server, server):
    feed_server = FeedThatHangs(server, hang_on=2)
    feed_server.publish(0)
    feed_server.publish(1)
    feed = Feed.objects.create(url=server.url("/feed.xml"), poll_interval=900)
    env = {
        "CELERY_BROKER_URL": redis_server.url(0),
        "REDIS_URL": redis_server.url(1),
        "CELERY_VISIBILITY_TIMEOUT": "3600",  # production's: the broker keeps the killed poll's message for an hour
        "CELERY_TASK_SOFT_TIME_LIMIT": "8",
        "CELERY_TASK_TIME_LIMIT": "10",
        "INGEST_STALL_AFTER": "12",
        "INGEST_FEED_LEASE": str(LEASE),
        "INGEST_POLL_EVERY": "1",
    }
    procs.worker(queues=("ingest", "default"), pool="prefork", **env)
    poller = procs.worker(queues=("feeds",), pool="threads", concurrency=16, **env)
    beat = procs.beat(**env)

    # The first poll: two items, two articles.
    until(lambda: Feed.objects.get(pk=feed.pk).poll_count == 1, timeout=60, message="the first poll")
    until(lambda: articles_done(2), timeout=120, message="the first two articles, done")

    # Two new items, and the feed falls due: its poll hangs at the server.
    feed_server.publish(2)
    feed_server.publish(3)
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=feed.created_at)
    assert feed_server.hanging.wait(60), "the second poll never reached the server"
    claimed = Feed.objects.get(pk=feed.pk)
    assert claimed.poll_count == 1  # the hanging poll has recorded nothing
    lease_end = claimed.next_poll_at
    killed_ids = FETCH_FEED.findall(procs.log_of(poller))
    assert len(killed_ids) == 2

    procs.kill(poller)  # SIGKILL to the poller's process group, mid-fetch
    feed_server.release.set()
    new_poller = procs.worker(queues=("feeds",), pool="threads", concurrency=16, **env)

    until(lambda: Feed.objects.get(pk=feed.pk).poll_count == 2, timeout=90, message="the feed polled again")
    until(lambda: articles_done(4), timeout=120, message="all four articles, done")

    hits = server.hits_for("/feed.xml")
    assert len(hits) == 3  # the first poll, the killed one, the one the lease brought back
    assert hits[2].at >= lease_end.timestamp()  # sent by a fan-out once the lease ended...
    recovered_ids = FETCH_FEED.findall(procs.log_of(new_poller))
    assert recovered_ids and not set(recovered_ids) & set(killed_ids)  # ...as a new message, not the killed one
    # The killed poll stored nothing: the recovered one asks with the first poll's ETag, as the killed one did.
    first_tag = hits[1].headers.get("if-none-match")
    assert first_tag and hits[2].headers.get("if-none-match") == first_tag

    # Each item exactly once: one entry, one article, one fetch of its page.
    entries = list(FeedEntry.objects.filter(feed=feed).values_list("guid", "article_id"))
    assert sorted(guid for guid, _ in entries) == [f"urn:test:item-{n}" for n in range(4)]
    assert len({article for _, article in entries}) == 4 == Article.objects.count()
    assert set(Article.objects.values_list("url", flat=True)) == {server.url(f"/news/{n}") for n in range(4)}
    assert all(len(server.hits_for(f"/news/{n}")) == 1 for n in range(4))

    # The feed's counters and state: two polls recorded (the killed one never was), no failure, the new ETag, the
    # adapted interval (halved by new entries, within the default bounds), the next poll one interval on.
    feed.refresh_from_db()
    assert (feed.poll_count, feed.not_modified_count, feed.consecutive_failures) == (2, 0, 0)
    assert feed.last_status == FeedStatus.OK and feed.last_error == ""
    assert feed.last_poll_note.startswith("2 new entries; 2 new articles"), feed.last_poll_note
    assert feed.etag == feed_server.body()[1]
    assert feed.poll_interval == 450
    assert feed.next_poll_at == feed.last_polled_at + timedelta(seconds=450)

    # Nothing more comes of the killed poll: three more fan-outs, and no other request, entry or article.
    done = procs.log_of(new_poller).count("tasks.poll_due_feeds[")
    until(
        lambda: procs.log_of(new_poller).count("tasks.poll_due_feeds[") >= done + 6,  # received + succeeded, x3
        timeout=30,
        message="three more fan-outs",
    )
    assert len(server.hits_for("/feed.xml")) == 3
    assert FeedEntry.objects.count() == 4 == Article.objects.count()
    assert beat.poll() is None
