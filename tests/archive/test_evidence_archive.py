"""Evidence with a URL is archived after commit, through safe fetching; a failure shows on the evidence, is retried
with backoff when transient, and never blocks the evidence."""

from __future__ import annotations

import pytest

from claims_tracker.archive.models import ArchiveRecord, ArchiveState, EvidenceArchive
from claims_tracker.claims.models import Evidence
from claims_tracker.claims.services import ServiceError
from tests.factories import ClaimFactory, add_evidence
from tests.ingest.server import busy_at_first

pytestmark = pytest.mark.django_db

PAGE = "<html><body><p>Ukraine's military said its forces had withdrawn from Soledar.</p></body></html>"


@pytest.fixture
def claim():
    return ClaimFactory()


def _archive_of(evidence: Evidence) -> EvidenceArchive:
    return EvidenceArchive.objects.select_related("record").get(evidence=evidence)


class TestEvidenceArchive:
    def test_it_archives_the_url_after_commit(self, claim, server, allow_private, run_on_commit):
        url = server.route("/withdrawal", PAGE)
        evidence = run_on_commit(add_evidence, claim, url=url)
        link = _archive_of(evidence)
        assert link.state == ArchiveState.ARCHIVED and link.record.url == url
        assert len(server.hits_for("/withdrawal")) == 1

    def test_a_copy_moves_the_claims_updated_at_but_not_its_version(self, claim, server, allow_private, run_on_commit):
        evidence = add_evidence(claim, url=server.route("/withdrawal", PAGE))
        claim.refresh_from_db()
        before = (claim.version, claim.updated_at)
        run_on_commit(lambda: None)  # nothing enqueued here: run the task as the commit would
        from claims_tracker.archive.tasks import archive_evidence

        archive_evidence.apply(args=[evidence.pk])
        claim.refresh_from_db()
        assert claim.version == before[0] and claim.updated_at > before[1]

    def test_nothing_is_fetched_before_the_evidence_commits(self, claim, server, allow_private):
        evidence = add_evidence(claim, url=server.route("/withdrawal", PAGE))  # on_commit never runs here
        assert _archive_of(evidence).state == ArchiveState.PENDING
        assert server.hits_for("/withdrawal") == []

    def test_evidence_without_a_url_is_not_archived(self, claim, run_on_commit):
        from tests.factories import ArticleFactory

        evidence = run_on_commit(add_evidence, claim, url="", article=ArticleFactory())
        assert not EvidenceArchive.objects.filter(evidence=evidence).exists()

    def test_a_transient_failure_is_retried_and_then_archived(self, claim, server, allow_private, run_on_commit):
        server.route("/busy", handler=busy_at_first(PAGE, times=2))
        evidence = run_on_commit(add_evidence, claim, url=server.url("/busy"))
        link = _archive_of(evidence)
        assert link.state == ArchiveState.ARCHIVED and link.attempts == 2  # two failures recorded, then kept
        assert len(server.hits_for("/busy")) == 3

    def test_a_url_that_keeps_failing_is_shown_failed_after_the_cap(
        self, claim, server, allow_private, run_on_commit, settings
    ):
        settings.ARCHIVE_MAX_RETRIES = 2
        server.route("/down", "down", status=503)
        evidence = run_on_commit(add_evidence, claim, url=server.url("/down"))
        link = _archive_of(evidence)
        assert link.state == ArchiveState.FAILED and link.attempts == 3
        assert "HTTP 503" in link.last_error
        assert Evidence.objects.filter(pk=evidence.pk).exists()  # the evidence stands

    def test_a_permanent_failure_is_not_retried(self, claim, server, allow_private, run_on_commit):
        evidence = run_on_commit(add_evidence, claim, url=server.url("/gone"))  # 404
        link = _archive_of(evidence)
        assert link.state == ArchiveState.FAILED and link.attempts == 1 and "HTTP 404" in link.last_error
        assert len(server.hits_for("/gone")) == 1

    def test_it_never_fetches_what_safe_fetching_refuses(self, claim, server, run_on_commit, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        evidence = run_on_commit(add_evidence, claim, url=server.route("/inside", PAGE))
        link = _archive_of(evidence)
        assert link.state == ArchiveState.FAILED and "loopback address" in link.last_error
        assert server.hits_for("/inside") == []
        assert ArchiveRecord.objects.count() == 0

    def test_it_caps_the_size_as_article_fetches_do(self, claim, server, allow_private, run_on_commit, monkeypatch):
        from claims_tracker.archive import services

        monkeypatch.setattr(services, "ARCHIVE_MAX_BYTES", 1000)  # our own constant: 10 MiB in production
        evidence = run_on_commit(add_evidence, claim, url=server.route("/big", "x" * 5000))
        link = _archive_of(evidence)
        assert link.state == ArchiveState.FAILED and "limit" in link.last_error
        assert ArchiveRecord.objects.count() == 0

    def test_the_same_page_for_two_evidence_items_is_one_record(self, claim, server, allow_private, run_on_commit):
        first = run_on_commit(add_evidence, claim, url=server.route("/a", PAGE))
        second = run_on_commit(add_evidence, claim, url=server.route("/b", PAGE))
        assert _archive_of(first).record_id == _archive_of(second).record_id
        assert ArchiveRecord.objects.count() == 1

    def test_a_bad_url_is_refused_with_a_clear_error_and_nothing_stored(self, claim, run_on_commit):
        with pytest.raises(ServiceError, match="http"):
            run_on_commit(add_evidence, claim, url="file:///etc/passwd")
        assert not Evidence.objects.exists() and not EvidenceArchive.objects.exists()
