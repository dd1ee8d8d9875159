"""Archive writes: store fetched bytes as a WARC record (de-duplicated by digest), archive an article's page or an
Evidence URL, and re-hash what is stored.

Records go to the storage alias "archive" (settings.STORAGES): the filesystem under MEDIA_ROOT by default, an
S3-compatible bucket through django-storages when configured. A file's name carries the payload digest and the
file's own digest, so two processes archiving the same bytes at once each write their own file; the unique
payload digest on ArchiveRecord keeps one, and the other deletes its file.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from claims_tracker.claims.models import Claim, Evidence
from claims_tracker.ingest import fetching
from claims_tracker.lib.backoff import backoff_seconds

from . import warc
from .models import ArchiveRecord, ArchiveState, ArticleArchive, EvidenceArchive

log = logging.getLogger(__name__)

# As article fetches: the same size cap and deadline (claims_tracker/ingest/pipeline/steps.py).
ARCHIVE_MAX_BYTES = 10 * 1024 * 1024
ARCHIVE_DEADLINE = 30.0
ERROR_MAX_CHARS = 1000


def archive_storage():
    return storages["archive"]


def record_store(*, result: fetching.FetchResult, fetched_at: datetime | None = None) -> ArchiveRecord:
    """The ArchiveRecord for a fetch's bytes: the one already kept for the same payload, or a new one."""
    digest = hashlib.sha256(result.body).hexdigest()
    existing = ArchiveRecord.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    fetched_at = fetched_at or timezone.now()
    data = warc.build(
        url=result.url, fetched_at=fetched_at, status=result.status, headers=result.headers, body=result.body
    )
    file_digest = hashlib.sha256(data).hexdigest()
    name = archive_storage().save(f"{digest[:2]}/{digest}-{file_digest[:16]}.warc.gz", ContentFile(data))
    record = ArchiveRecord(
        sha256=digest,
        file_name=name,
        file_sha256=file_digest,
        file_size=len(data),
        payload_size=len(result.body),
        url=result.url,
        fetched_at=fetched_at,
        status=result.status,
        content_type=result.content_type[:200],
        headers=result.headers,
    )
    # INSERT ... ON CONFLICT DO NOTHING, then read back which row holds the digest: two statements and no
    # savepoint, so a caller's transaction survives a concurrent insert of the same bytes.
    ArchiveRecord.objects.bulk_create([record], ignore_conflicts=True)
    kept = ArchiveRecord.objects.get(sha256=digest)
    if kept.file_name != name:  # someone stored the same bytes first: theirs is the record
        archive_storage().delete(name)
    return kept


def article_archive(*, article_id: int, result: fetching.FetchResult) -> ArchiveRecord | None:
    """Keep the page an article was fetched from, from the bytes already in hand. Never raises: an archive that
    fails is logged and the article goes on."""
    try:
        # One transaction (a savepoint inside a caller's): the look-up, the record, its read-back and the link cost
        # six statements in all, the same in a worker's autocommit as in a test's transaction.
        with transaction.atomic():
            record = record_store(result=result)
            link = ArticleArchive(article_id=article_id, record=record)
            ArticleArchive.objects.bulk_create(  # one upsert: a refetched article points at its latest page
                [link], update_conflicts=True, unique_fields=["article"], update_fields=["record"]
            )
        return record
    except Exception:
        log.exception("article %s: archiving its page failed", article_id)
        return None


def evidence_archive_enqueue(evidence: Evidence) -> None:
    """Archive an Evidence URL once the evidence commits; the evidence itself never waits for it."""
    if not evidence.url:
        return
    from claims_tracker.ingest.tasks import enqueue_after_commit

    from .tasks import archive_evidence

    EvidenceArchive.objects.get_or_create(evidence=evidence)
    enqueue_after_commit(archive_evidence, evidence.pk)


def evidence_archive(evidence_id: int) -> ArchiveRecord | None:
    """Fetch the evidence's URL safely and keep it. None when the evidence is gone or already archived.
    Raises FetchError (the caller retries the transient ones) or a storage error."""
    link = EvidenceArchive.objects.select_related("evidence").filter(evidence_id=evidence_id).first()
    if link is None or link.state == ArchiveState.ARCHIVED or not link.evidence.url:
        return None
    result = fetching.safe_fetch(link.evidence.url, max_bytes=ARCHIVE_MAX_BYTES, deadline=ARCHIVE_DEADLINE)
    record = record_store(result=result)
    now = timezone.now()
    EvidenceArchive.objects.filter(pk=link.pk).update(
        record=record, state=ArchiveState.ARCHIVED, last_error="", updated_at=now
    )
    # The claim's page now shows the copy: its updated_at moves (what page caches and sync feeds read), its version
    # does not (an editor's open form is not made stale by a background copy).
    Claim.objects.filter(pk=link.evidence.claim_id).update(updated_at=now)
    return record


def evidence_archive_failed(evidence_id: int, *, error: str, attempt: int, retrying: bool) -> None:
    """Show a failed attempt on the evidence: retrying (with the reason) or failed for good."""
    EvidenceArchive.objects.filter(evidence_id=evidence_id).exclude(state=ArchiveState.ARCHIVED).update(
        state=ArchiveState.RETRYING if retrying else ArchiveState.FAILED,
        attempts=attempt + 1,
        last_error=error[:ERROR_MAX_CHARS],
        updated_at=timezone.now(),
    )


def retry_delay(attempt: int) -> float:
    return backoff_seconds(base=settings.ARCHIVE_RETRY_BACKOFF, attempt=attempt, cap=settings.ARCHIVE_RETRY_BACKOFF_MAX)


def record_verify(record: ArchiveRecord) -> str:
    """'' when the stored file hashes as recorded and its payload does too; else what is wrong."""
    try:
        with archive_storage().open(record.file_name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return f"cannot read {record.file_name}: {exc}"
    if hashlib.sha256(data).hexdigest() != record.file_sha256:
        return f"{record.file_name}: the file's SHA-256 differs from the one recorded"
    try:
        payload = warc.read(BytesIO(data))
    except Exception as exc:  # warcio raises its own errors and zlib's on a damaged file
        return f"{record.file_name}: does not read as WARC ({exc})"
    if hashlib.sha256(payload.body).hexdigest() != record.sha256:
        return f"{record.file_name}: the payload's SHA-256 differs from the one recorded"
    return ""


def record_payload(record: ArchiveRecord) -> warc.Payload:
    with archive_storage().open(record.file_name, "rb") as handle:
        return warc.read(handle)
