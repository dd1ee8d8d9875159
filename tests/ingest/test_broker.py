"""The broker as Celery documents it: Celery's own Redis transport, late acks, a visibility timeout above the task
time limit, and a worker that freezes its startup heap. Real `celery worker` processes on the real Redis.

A whole worker killed mid-task (its message brought back by the visibility timeout) is in test_delivery.py.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from celery import signals
from django.conf import settings
from kombu.transport.redis import Transport as RedisTransport

from claims_tracker.celery import app as celery_app
from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import services
from claims_tracker.ingest.models import Candidate
from tests.ingest.conftest import CELERY, QUEUES, Processes, wait_until
from tests.ingest.pages import seed_page
from tests.ingest.server import LocalServer

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs a redis:// broker")
FETCH_ARTICLE = "claims_tracker.ingest.tasks.fetch_article"


class HeldPage:
    """The seed page, whose first request is held until `release()`; later requests are answered at once."""

    def __init__(self, server: LocalServer, path: str = "/held"):
        self.started, self.released = threading.Event(), threading.Event()
        self.body = seed_page().encode()
        self.url = server.route(path, handler=self._handle)

    def _handle(self, handler) -> None:
        first = not self.started.is_set()
        self.started.set()
        if first:
            self.released.wait(30)
        handler._send(200, self.body, {"Content-Type": "text/html; charset=utf-8"})

    def release(self) -> None:
        self.released.set()


def _unacked(broker) -> list[dict]:
    """The deliveries kombu holds as unacknowledged (its `unacked` hash), as their messages' headers."""
    return [json.loads(value)[0]["headers"] for value in broker.hvals("unacked")]


def _pool_children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return [int(child) for child in children.read().split()]


def _assert_ingested_once(article: Article, page: HeldPage, server: LocalServer) -> None:
    article.refresh_from_db()
    assert article.ingest_state == IngestState.DONE, article.last_error
    assert Article.objects.count() == 1
    assert len(server.hits_for("/held")) == 2  # delivered again, fetched again
    spans = list(Candidate.objects.filter(article=article).values_list("start_offset", "end_offset"))
    assert len(spans) >= 8 and len(spans) == len(set(spans))


def test_the_app_uses_celerys_own_redis_transport_with_late_acks():
    with celery_app.connection_for_write() as connection:
        assert type(connection.transport) is RedisTransport
        visibility_timeout = connection.transport_options["visibility_timeout"]
    assert visibility_timeout == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility_timeout > settings.CELERY_TASK_TIME_LIMIT
    assert celery_app.conf.broker_transport is None
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost


def _prefork_worker(celery_procs: Processes):
    """A worker whose one task process is a child of its own (the prefork pool, as deployed): its main process
    handles the broker while the task runs. The visibility timeout is an hour, so within a test nothing brings a
    message back but the worker itself."""
    name = f"prefork-{os.getpid()}"
    args = [CELERY, "-A", "claims_tracker", "worker", "-Q", ",".join(QUEUES), "-P", "prefork", "-c", "1"]
    args += ["-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    hour = {"CELERY_VISIBILITY_TIMEOUT": "3600", "CELERY_TASK_SOFT_TIME_LIMIT": "120", "CELERY_TASK_TIME_LIMIT": "180"}
    worker = celery_procs._spawn(args, name, celery_procs.env(**hour))
    celery_procs.wait_for_log(worker, "ready.")
    return worker


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_message_is_acked_only_once_its_task_has_returned(celery_procs, celery_broker, server: LocalServer):
    page = HeldPage(server)
    _prefork_worker(celery_procs)
    article, _ = services.article_submit_url(url=page.url)
    assert page.started.wait(30), "the worker never fetched the page"
    # Taken off its queue, not acknowledged: kombu keeps it where it is restored from if this worker dies.
    assert celery_broker.llen("ingest") == 0
    (held,) = _unacked(celery_broker)
    assert held["task"] == FETCH_ARTICLE and held["argsrepr"] == f"({article.pk},)"
    page.release()
    wait_until(lambda: Article.objects.get(pk=article.pk).ingest_state == IngestState.DONE, message="the article")
    wait_until(lambda: not _unacked(celery_broker), message="the ack after the task returned")
    assert celery_broker.llen("ingest") == 0


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_task_has_its_message_delivered_again(celery_procs, server: LocalServer):
    # task_reject_on_worker_lost: the worker sees its pool process die and puts the message back on its queue.
    page = HeldPage(server)
    worker = _prefork_worker(celery_procs)
    article, _ = services.article_submit_url(url=page.url)
    assert page.started.wait(30), "the worker never fetched the page"
    (child,) = _pool_children(worker.pid)
    os.kill(child, signal.SIGKILL)
    page.release()
    wait_until(lambda: Article.objects.get(pk=article.pk).ingest_state == IngestState.DONE, timeout=60)
    _assert_ingested_once(article, page, server)
    assert worker.poll() is None and _pool_children(worker.pid) != [child]  # the same worker, a new pool process
    assert "WorkerLostError" in celery_procs.log_of(worker)


def test_a_visibility_timeout_not_above_the_time_limit_is_refused(tmp_path: Path):
    procs = Processes(tmp_path)
    try:
        worker = procs.worker(wait=False, CELERY_VISIBILITY_TIMEOUT="180", CELERY_TASK_TIME_LIMIT="180")
        assert worker.wait(timeout=60) != 0
        assert "CELERY_VISIBILITY_TIMEOUT (180 s) must be above CELERY_TASK_TIME_LIMIT (180 s)" in procs.log_of(worker)
    finally:
        procs.stop_all()


def test_every_worker_imports_the_worker_module():
    assert "claims_tracker.worker" in celery_app.conf.imports


@pytest.mark.parametrize("startup", [signals.worker_ready, signals.worker_process_init], ids=lambda s: s.name)
def test_a_worker_freezes_its_heap_once_started(startup):
    # A full collection then walks only what the worker made since (claims_tracker.worker.freeze_startup_heap).
    import claims_tracker.worker  # noqa: F401 - connects the handlers, as a worker's imports do

    gc.unfreeze()
    try:
        startup.send(sender=None)
        assert gc.get_freeze_count() > 10_000
        assert "trafilatura" in sys.modules  # the ingestion modules were imported first, and frozen with the rest
    finally:
        gc.unfreeze()
