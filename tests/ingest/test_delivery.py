"""Delivery on the real Redis with real `celery worker` / `celery beat` processes and a server on 127.0.0.1."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import polling, services, tasks
from claims_tracker.ingest.models import Candidate, Feed, FeedEntry
from tests.ingest.conftest import _database_url, queue_length, wait_until
from tests.ingest.pages import rss, seed_page, seed_text, short_page
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def _all_done(n: int):
    def check():
        states = list(Article.objects.values_list("ingest_state", flat=True))
        return len(states) == n and all(s in (IngestState.DONE, IngestState.FAILED) for s in states)

    return check


def test_a_rolled_back_transaction_enqueues_nothing(celery_broker, server: LocalServer):
    url = server.route("/a", short_page(1))
    feed = Feed.objects.create(url=server.route("/rss", rss([])))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.article_submit_url(url=url)
        services.article_submit_text(text=seed_text())
        polling.feed_poll_now(feed=feed)
        raise RuntimeError("the request failed after the writes")
    assert queue_length("ingest") == 0
    assert Article.objects.count() == 0
    services.article_submit_url(url=url)
    assert queue_length("ingest") == 1


def test_a_feed_poll_creates_articles_and_candidates_through_the_worker(celery_procs, server: LocalServer):
    pages = [server.route(f"/news/{i}", short_page(i)) for i in range(3)]
    items = [(f"g{i}", link, f"Report {i}") for i, link in enumerate(pages)]
    first = Feed.objects.create(url=server.route("/a.xml", rss(items), headers=RSS_TYPE, etag=True))
    # The second feed carries the first entry too: one article, two sources.
    Feed.objects.create(url=server.route("/b.xml", rss([("b0", pages[0], "Same report")]), headers=RSS_TYPE))
    celery_procs.worker()
    tasks.poll_due_feeds.delay()
    wait_until(_all_done(3), timeout=60, message="three articles done")
    assert set(Article.objects.values_list("ingest_state", flat=True)) == {IngestState.DONE}
    assert Candidate.objects.count() >= 3
    shared = Article.objects.get(url=pages[0])
    assert shared.feed_entries.count() == 2
    assert all(len(server.hits_for(f"/news/{i}")) == 1 for i in range(3))

    # A second poll of the first feed with the same ETag: a 304, nothing new.
    polling.feed_poll_now(feed=first)
    wait_until(lambda: len(server.hits_for("/a.xml")) == 2, message="second poll")
    wait_until(lambda: Feed.objects.get(pk=first.pk).last_status == "not_modified", message="not modified")
    assert server.hits_for("/a.xml")[1].headers["if-none-match"]
    assert Article.objects.count() == 3 and FeedEntry.objects.count() == 4


def test_a_worker_killed_mid_article_leaves_it_ingested_exactly_once(celery_procs, server: LocalServer):
    started, release = threading.Event(), threading.Event()
    page = seed_page().encode()

    def slow_then_fast(handler):
        first = not started.is_set()
        started.set()
        if first:
            release.wait(30)  # hold the first delivery until its worker is dead
        handler._send(200, page, {"Content-Type": "text/html; charset=utf-8"})

    server.route("/seed", handler=slow_then_fast)
    fast_restore = {"CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1"}
    fast_restore["CELERY_UNACKED_RESTORE_THROTTLE"] = "1"
    # The visibility timeout stays above the time limit (settings refuse otherwise); the solo pool enforces neither.
    fast_restore.update(CELERY_TASK_SOFT_TIME_LIMIT="1", CELERY_TASK_TIME_LIMIT="2")
    worker = celery_procs.worker(**fast_restore)
    article, _ = services.article_submit_url(url=server.url("/seed"))
    assert started.wait(30), "the worker never fetched the page"
    assert Article.objects.get(pk=article.pk).ingest_state == IngestState.FETCHING
    celery_procs.kill(worker)  # SIGKILL to the worker's process group, mid-fetch
    release.set()

    celery_procs.worker(**fast_restore)
    wait_until(_all_done(1), timeout=90, message="the redelivered article")
    article.refresh_from_db()
    assert article.ingest_state == IngestState.DONE, article.last_error
    assert Article.objects.count() == 1
    assert len(server.hits_for("/seed")) == 2  # redelivered, fetched again
    spans = list(Candidate.objects.filter(article=article).values_list("start_offset", "end_offset"))
    assert len(spans) >= 8 and len(spans) == len(set(spans))
    # Nothing runs twice later either: the queue is empty and the count stays.
    time.sleep(4)
    assert Candidate.objects.filter(article=article).count() == len(spans)


def test_transient_errors_are_retried_and_client_errors_are_not(celery_procs, server: LocalServer):
    calls = {"n": 0}
    page = short_page(7).encode()

    def busy_twice(handler):
        calls["n"] += 1
        if calls["n"] <= 2:
            handler._send(503, b"busy", {"Content-Type": "text/plain"})
        else:
            handler._send(200, page, {"Content-Type": "text/html"})

    server.route("/busy", handler=busy_twice)
    server.route("/missing", b"no", status=404)
    celery_procs.worker()
    busy, _ = services.article_submit_url(url=server.url("/busy"))
    missing, _ = services.article_submit_url(url=server.url("/missing"))
    wait_until(_all_done(2), timeout=60, message="both articles settled")
    busy.refresh_from_db()
    missing.refresh_from_db()
    assert busy.ingest_state == IngestState.DONE and calls["n"] == 3
    assert missing.ingest_state == IngestState.FAILED and "HTTP 404" in missing.last_error
    assert len(server.hits_for("/missing")) == 1


def test_two_beat_processes_poll_each_feed_once(celery_procs, server: LocalServer):
    url = server.route("/rss", rss([]), headers=RSS_TYPE)
    Feed.objects.create(url=url, poll_interval=3600)
    workers = [celery_procs.worker(), celery_procs.worker()]
    beats = [celery_procs.beat(INGEST_POLL_EVERY="1"), celery_procs.beat(INGEST_POLL_EVERY="1")]

    def sent() -> list[int]:
        return [celery_procs.log_of(b).count("Sending due task") for b in beats]

    def fan_outs() -> int:
        return sum(celery_procs.log_of(w).count("poll_due_feeds[") for w in workers)

    # Both beats keep firing the fan-out, and the workers run it, however slow the machine is today.
    wait_until(lambda: min(sent()) >= 3 and fan_outs() >= 6, timeout=90, message="three fan-outs from each beat")
    wait_until(lambda: server.hits_for("/rss"), timeout=30, message="the feed's poll")
    assert len(server.hits_for("/rss")) == 1  # six fan-outs, one poll: the lease held


def test_a_worker_keeps_its_database_connection_between_articles(celery_procs, server: LocalServer):
    # Celery's Django fixup would open a new PostgreSQL connection for every task; a worker keeps one for
    # CONN_MAX_AGE as a web process does. Its connections carry a name of their own, to be found.
    name = "ct-ingest-reuse-test"
    database_url = f"{_database_url()}?application_name={name}"
    celery_procs.worker(DATABASE_URL=database_url, DB_CONN_MAX_AGE="60")

    def worker_backends() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name])
            return [row[0] for row in cursor.fetchall()]

    services.article_submit_url(url=server.route("/a", short_page(1)))
    wait_until(_all_done(1), timeout=60, message="the first article")
    first = worker_backends()
    services.article_submit_url(url=server.route("/b", short_page(2)))
    wait_until(_all_done(2), timeout=60, message="the second article")
    assert set(Article.objects.values_list("ingest_state", flat=True)) == {IngestState.DONE}
    assert len(first) == 1 and worker_backends() == first


def test_a_broken_connection_is_replaced_before_the_next_task(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    tasks._recycle_db_connections(sender=tasks.fetch_article)  # a healthy connection is kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid
    # The server drops it (a restart, a failover); the task that noticed marked the connection as errored.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    connection.errors_occurred = True
    tasks._recycle_db_connections(sender=tasks.fetch_article)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    close_old_connections()
