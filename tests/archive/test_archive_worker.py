"""Through a real celery worker on the real Redis: the archive task is enqueued after commit, a transient failure
is retried with backoff by the broker (not in-process), and the failure shows on the evidence meanwhile."""

from __future__ import annotations

import pytest

from claims_tracker.archive.models import ArchiveState, EvidenceArchive
from tests.factories import ClaimFactory, add_evidence
from tests.ingest.conftest import queue_length, wait_until
from tests.ingest.server import busy_at_first

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_busy_source_is_retried_by_the_worker_and_then_archived(celery_procs, server):
    server.route("/busy", handler=busy_at_first("<p>Soledar withdrawal</p>", times=2))
    evidence = add_evidence(ClaimFactory(), url=server.url("/busy"))  # commits: the task goes to Redis
    assert queue_length("ingest") == 1
    assert EvidenceArchive.objects.get(evidence=evidence).state == ArchiveState.PENDING  # the evidence stands
    worker = celery_procs.worker(ARCHIVE_RETRY_BACKOFF="1", ARCHIVE_RETRY_BACKOFF_MAX="2")

    seen_retrying = wait_until(
        lambda: EvidenceArchive.objects.filter(evidence=evidence, state=ArchiveState.RETRYING).first(),
        message="the first failure shown",
    )
    assert "HTTP 503" in seen_retrying.last_error
    wait_until(
        lambda: EvidenceArchive.objects.filter(evidence=evidence, state=ArchiveState.ARCHIVED).exists(),
        timeout=60,
        message="archived after the retries",
    )
    link = EvidenceArchive.objects.select_related("record").get(evidence=evidence)
    assert link.attempts == 2 and link.record.url == server.url("/busy")
    assert len(server.hits_for("/busy")) == 3
    assert celery_procs.log_of(worker).count("Retry in") == 2
