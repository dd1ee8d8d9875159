"""Archive records: the bytes fetched for an article or an Evidence URL, kept as WARC, and what points at them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from claims_tracker.claims.models import Article, Evidence


class ArchiveRecord(models.Model):
    """One stored WARC file (gzip, one response record). De-duplicated by the payload's SHA-256: the same bytes
    fetched again, from any URL, point at the first record."""

    sha256 = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the payload (the page's bytes).")
    file_name = models.CharField(max_length=300, help_text="Name in the archive storage.")
    file_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the stored .warc.gz file.")
    file_size = models.PositiveBigIntegerField()
    payload_size = models.PositiveBigIntegerField()
    url = models.URLField(max_length=2000, help_text="The final URL, after redirects.")
    fetched_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, help_text="The response headers as received.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.url} @ {self.fetched_at:%Y-%m-%d %H:%M} ({self.sha256[:12]})"


class ArchiveState(models.TextChoices):
    PENDING = "pending", "Archiving"
    RETRYING = "retrying", "Archive failed, retrying"
    ARCHIVED = "archived", "Archived"
    FAILED = "failed", "Archive failed"


class EvidenceArchive(models.Model):
    """The archiving of one Evidence URL: its state, shown on the evidence, and the record once kept."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="archive")
    record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=20, choices=ArchiveState.choices, default=ArchiveState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"evidence {self.evidence_id}: {self.state}"


class ArticleArchive(models.Model):
    """The page an article was ingested from, archived from the bytes the fetch already had."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="archive")
    record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"article {self.article_id}: record {self.record_id}"
