"""Delivery through a real `celery worker` process on the real Redis: retries with backoff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from claims_tracker.celery import app
from claims_tracker.claims import services as claim_services
from claims_tracker.claims.models import Status
from claims_tracker.webhooks import services
from claims_tracker.webhooks.models import Delivery, DeliveryState
from tests.factories import ClaimFactory
from tests.ingest.conftest import _database_url
from tests.processes import stop

ROOT = Path(__file__).resolve().parents[2]
SECRET = "worker-test-secret-long-enough"


@pytest.fixture
def worker(settings):
    """A celery worker on this test's database and broker; tasks from this process go to it."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "INGEST_ALLOW_PRIVATE_NETWORKS": "1",
        "WEBHOOKS_RETRY_BASE_SECONDS": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    app.control.purge()
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "claims_tracker", "worker", "-Q", "default", "-c", "2",
         "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        yield proc
    finally:
        app.conf.task_always_eager = True
        stop(proc)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_delivers_through_a_worker_retrying_with_backoff(editor, receiver, worker):
    services.subscription_create(owner=editor, url=receiver.url, events=["status.changed"], secret=SECRET)
    receiver.statuses = [500, 502]
    claim = ClaimFactory()
    change = claim_services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="Contested.")
    hits = receiver.wait_for(3, timeout=60)
    assert len(hits) == 3, worker.stdout.read1().decode() if worker.poll() is not None else "worker still running"
    for hit in hits:
        assert services.verify(SECRET, hit.headers["X-Claims-Signature"], hit.body)
        assert json.loads(hit.body)["data"]["status_change"]["id"] == change.pk
    first_gap, second_gap = hits[1].at - hits[0].at, hits[2].at - hits[1].at
    assert 0.7 <= first_gap and 1.5 <= second_gap  # ~1 s, then ~2 s (±20% jitter)
    deadline = time.monotonic() + 10
    while Delivery.objects.get().state == DeliveryState.PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert [(a.number, a.status) for a in delivery.attempt_log.all()] == [(1, 500), (2, 502), (3, 200)]
