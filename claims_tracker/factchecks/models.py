"""A fact-check found: a ClaimReview in a fetched page or a DataFeed, suggested for an editor to accept or dismiss."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from claims_tracker.claims.models import Article, Claim, Evidence
from claims_tracker.ingest.models import Feed


class FactCheckState(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class FactCheck(models.Model):
    # Where it was found: the page's article, or the DataFeed.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="factchecks")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, null=True, blank=True, related_name="factchecks")
    key = models.CharField(max_length=64, unique=True, help_text="Digest of source and review: found twice, kept once.")
    reviewer = models.CharField(max_length=300, blank=True)
    reviewer_url = models.URLField(max_length=2000, blank=True)
    rating_name = models.CharField(max_length=200, blank=True)
    rating_value = models.CharField(max_length=50, blank=True)
    best_rating = models.CharField(max_length=50, blank=True)
    worst_rating = models.CharField(max_length=50, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    claim_reviewed = models.TextField(blank=True)
    claim_author = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="The review's own page.")
    appearance_url = models.URLField(max_length=2000, blank=True)
    raw = models.JSONField(default=dict)
    # Matched to our claims as candidates are (ingest.claim_matching): best first.
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    matches = models.JSONField(default=list, help_text="[{claim, score}] best first.")
    state = models.CharField(max_length=20, choices=FactCheckState.choices, default=FactCheckState.NEW)
    evidence = models.ForeignKey(Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="factcheck_state_recent")]

    def __str__(self) -> str:
        rating = self.rating_name or self.rating_value
        return f"{self.reviewer or 'A fact-checker'}: {rating} — {self.claim_reviewed[:60]}"

    @property
    def scale(self) -> str:
        if not self.rating_value:
            return ""
        if self.best_rating or self.worst_rating:
            return f"{self.rating_value} on {self.worst_rating or '1'}–{self.best_rating or '5'}"
        return self.rating_value
