"""The whole worker (main process and pool child) SIGKILLed mid-fetch: with the broker's visibility timeout at its
default hour, the sweep sends the article again within INGEST_STALL_AFTER + INGEST_SWEEP_EVERY, and it is done
exactly once (issue #22, item 3)."""

from __future__ import annotations

import threading

import pytest

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest.models import Candidate
from tests.factories import UserFactory
from tests.faults.conftest import Site, until
from tests.ingest.pages import seed_page
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


def test_a_worker_killed_mid_fetch_is_recovered_by_the_sweep_exactly_once(procs, redis_server, server: LocalServer):
    started, release = threading.Event(), threading.Event()
    page = seed_page().encode()

    def held_then_served(handler):
        first = not started.is_set()
        started.set()
        if first:
            release.wait(60)  # the first fetch hangs until its worker is dead
        handler._send(200, page, {"Content-Type": "text/html; charset=utf-8"})

    server.route("/seed", handler=held_then_served)
    UserFactory(username="ed", groups=["editor"])
    # Production's visibility timeout (an hour): the broker will not hand the message back during the test. A short
    # stall bound, above the task time limit as settings require; the prefork pool enforces that limit.
    site = Site(
        procs,
        redis_server,
        CELERY_VISIBILITY_TIMEOUT="3600",
        CELERY_TASK_SOFT_TIME_LIMIT="8",
        CELERY_TASK_TIME_LIMIT="10",
        INGEST_STALL_AFTER="12",
        INGEST_SWEEP_EVERY="1",
    )
    browser = site.browser()
    assert browser.login("ed") == 302
    worker = site.worker(pool="prefork")
    assert browser.post("/desk/reports/new/", {"u-url": server.url("/seed")})[0] == 302
    assert started.wait(60), "the worker never fetched the page"
    article = Article.objects.get()
    assert article.ingest_state == IngestState.FETCHING

    procs.kill(worker)  # SIGKILL to the worker's process group: the main process and its child
    release.set()
    site.worker(pool="prefork")
    beat = site.beat()
    until(lambda: Article.objects.get().ingest_state == IngestState.DONE, timeout=120, message="the article, done")
    article.refresh_from_db()
    assert article.last_error == ""
    assert len(server.hits_for("/seed")) == 2  # the killed fetch, and the one the sweep sent
    spans = list(Candidate.objects.filter(article=article).values_list("start_offset", "end_offset"))
    assert len(spans) >= 8 and len(spans) == len(set(spans))
    sweeps = procs.log_of(beat).count("ingest-requeue-stalled")
    until(lambda: procs.log_of(beat).count("ingest-requeue-stalled") >= sweeps + 3, message="three more sweeps")
    assert len(server.hits_for("/seed")) == 2
    assert Candidate.objects.filter(article=article).count() == len(spans)
