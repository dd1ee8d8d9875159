"""Politeness per host: at most N requests at once, starts M ms apart, shared through Redis by every poller
(threads here, worker processes in the last test), and a safe fallback to this process's memory when Redis dies."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from claims_tracker.ingest import politeness, polling
from claims_tracker.ingest.models import Feed, FeedStatus
from tests.faults.conftest import RedisServer
from tests.ingest.conftest import wait_until
from tests.ingest.pages import rss
from tests.ingest.server import LocalServer

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


@pytest.fixture(autouse=True)
def _clean_hosts(allow_private):
    politeness.limiter.forget()
    yield
    politeness.limiter.forget()


def feeds(server: LocalServer, n: int) -> list[Feed]:
    """`n` empty feeds on one host (the server's): polling them creates no articles."""
    return [Feed.objects.create(url=server.route(f"/f{i}.xml", rss([]), headers=RSS_TYPE)) for i in range(n)]


def poll_in_thread(feed_id: int, results: dict) -> threading.Thread:
    def run() -> None:
        try:
            results[feed_id] = polling.feed_poll(feed_id).status
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_at_most_n_requests_at_once_go_to_one_host(server, settings):
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 2, 0
    settings.INGEST_HOST_MAX_WAIT_MS = 60_000
    lock, release = threading.Lock(), threading.Event()
    state = {"now": 0, "most": 0}
    body = rss([]).encode()

    def held(handler) -> None:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        release.wait(30)
        with lock:
            state["now"] -= 1
        handler._send(200, body, RSS_TYPE)

    ids = []
    for i in range(3):
        server.route(f"/f{i}.xml", handler=held)
        ids.append(Feed.objects.create(url=server.url(f"/f{i}.xml")).pk)
    results: dict = {}
    threads = [poll_in_thread(pk, results) for pk in ids]
    wait_until(lambda: state["now"] == 2, message="two requests in flight")
    # The third waits for a slot however long we give it: wait until it is demonstrably asking for one.
    wait_until(lambda: len(server.hits) == 2 and all(t.is_alive() for t in threads), message="three polls waiting")
    threading.Event().wait(1.0)
    assert state["most"] == 2 and len(server.hits) == 2
    release.set()
    for thread in threads:
        thread.join(30)
    assert results == dict.fromkeys(ids, FeedStatus.OK) and len(server.hits) == 3 and state["most"] == 2


@pytest.mark.django_db
def test_requests_to_one_host_start_at_least_m_ms_apart(server, settings, django_capture_on_commit_callbacks):
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 0, 1000
    first, second = feeds(server, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert polling.feed_poll(first.pk).status == FeedStatus.OK
        assert polling.feed_poll(second.pk).status == FeedStatus.OK
    # Measured where the requests arrive: the first request's own latency (a cold connection) may eat into it.
    hits = sorted(hit.at for hit in server.hits)
    assert len(hits) == 2 and hits[1] - hits[0] >= 0.8


@pytest.mark.django_db
def test_a_poll_that_would_wait_too_long_is_put_back_not_counted(server, settings):
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 0, 60_000
    settings.INGEST_HOST_MAX_WAIT_MS = 500
    first, second = feeds(server, 2)
    assert polling.feed_poll(first.pk).status == FeedStatus.OK
    before = timezone.now()
    result = polling.feed_poll(second.pk)
    second.refresh_from_db()
    assert result.status == polling.DEFERRED and len(server.hits) == 1
    assert second.next_poll_at >= before + timedelta(seconds=55)
    assert (second.poll_count, second.consecutive_failures, second.last_status, second.last_error) == (0, 0, "", "")


@pytest.mark.django_db
def test_other_hosts_are_not_held_up(server, settings):
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 1, 60_000
    settings.INGEST_HOST_MAX_WAIT_MS = 500
    (first,) = feeds(server, 1)
    other = LocalServer()  # another port: another host as far as politeness goes
    try:
        (second,) = feeds(other, 1)
        assert polling.feed_poll(first.pk).status == FeedStatus.OK
        assert polling.feed_poll(second.pk).status == FeedStatus.OK
    finally:
        other.close()


@pytest.mark.django_db
def test_with_redis_down_it_fails_open_and_each_process_stays_polite(
    server, settings, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 2, 1000
    own = RedisServer(tmp_path)  # started
    try:
        # Built as django-redis builds the cache's client (a pool from the URL): no client-side retries.
        pool = redis.ConnectionPool.from_url(own.url(0), socket_connect_timeout=0.3, socket_timeout=0.3)
        client = redis.Redis(connection_pool=pool)
        monkeypatch.setattr(politeness, "limiter", politeness.HostLimiter(client))
        first, second, third = feeds(server, 3)
        with politeness.host_slot(first.url):  # the counts are kept in Redis while it answers
            assert client.zcard(politeness.host_keys(politeness.host_of(first.url))[0]) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert polling.feed_poll(first.pk).status == FeedStatus.OK
        own.kill()
        with caplog.at_level(logging.WARNING, logger="claims_tracker.cache"):
            with django_capture_on_commit_callbacks(execute=True):
                assert polling.feed_poll(second.pk).status == FeedStatus.OK
                assert polling.feed_poll(third.pk).status == FeedStatus.OK
    finally:
        own.stop()
    assert len(server.hits) == 3
    assert [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    hits = sorted(hit.at for hit in server.hits)
    assert hits[2] - hits[1] >= 0.8  # the spacing held in this process's memory


@pytest.mark.worker
@pytest.mark.slow
def test_a_slot_held_in_one_process_holds_back_a_poller_in_another(celery_procs, server, settings):
    """The test process holds the host's only slot (in Redis); a poller worker process sees it and puts its poll
    back, then polls once the slot is given back."""
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 1, 0
    env = {"INGEST_HOST_MAX_CONCURRENT": "1", "INGEST_HOST_MIN_INTERVAL_MS": "0", "INGEST_HOST_MAX_WAIT_MS": "300"}
    env["REDIS_URL"] = settings.REDIS_URL
    (feed,) = feeds(server, 1)
    celery_procs.worker(queues=("feeds",), pool="threads", concurrency=2, **env)
    with politeness.host_slot(feed.url):
        polling.feed_poll_now(feed=Feed.objects.get(pk=feed.pk))
        wait_until(lambda: "deferred" in " ".join(celery_procs_logs(celery_procs)), timeout=60, message="put back")
        assert not server.hits
    feed.refresh_from_db()
    assert feed.poll_count == 0 and feed.last_status == ""
    polling.feed_poll_now(feed=feed)
    wait_until(lambda: Feed.objects.get(pk=feed.pk).last_status == FeedStatus.OK, timeout=60, message="polled")
    assert len(server.hits) == 1


def celery_procs_logs(procs) -> list[str]:
    return [procs.log_of(proc) for proc, _log in procs.procs]
