"""The claims domain: who said what, where it appeared, and how its verification stands.

Rules the database can hold live in the database: unique slugs, canonical URLs and content
hashes, CHECK constraints on every choice field, and (see migration 0002) triggers that make
StatusChange append-only and keep the PostgreSQL search vector current.

One module, over 300 lines, as Django expects an app's models: eight models that reference each other,
their choices and constraints; most of the length is field definitions.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims_tracker.lib.paths import reverse_one
from claims_tracker.lib.urls import web_url


def _choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    DISPUTED = "disputed", "Disputed"
    PARTLY_CONFIRMED = "partly_confirmed", "Partly confirmed"
    CONFIRMED = "confirmed", "Confirmed"
    REFUTED = "refuted", "Refuted"
    RETRACTED = "retracted", "Retracted"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


# A claimant's track record counts these only, never claims merely logged.
FINAL_STATUSES = (Status.CONFIRMED, Status.PARTLY_CONFIRMED, Status.REFUTED, Status.RETRACTED)
VERDICT_STATUSES = (Status.CONFIRMED, Status.PARTLY_CONFIRMED, Status.REFUTED)


class Stance(models.TextChoices):
    ASSERTS = "asserts", "Asserts"
    DENIES = "denies", "Denies"
    CONFIRMS = "confirms", "Confirms"
    DISPUTES = "disputes", "Disputes"
    REPORTS = "reports", "Reports without verifying"


class OutletKind(models.TextChoices):
    AGENCY = "agency", "News agency"
    BROADCASTER = "broadcaster", "Broadcaster"
    NEWSPAPER = "newspaper", "Newspaper"
    STATE_MEDIA = "state_media", "State media"
    SOCIAL = "social", "Social channel"
    GOVERNMENT = "government", "Government"
    OTHER = "other", "Other"


class ClaimantKind(models.TextChoices):
    PERSON = "person", "Person"
    GOVERNMENT = "government", "Government body"
    ARMED_FORCE = "armed_force", "Armed force"
    ARMED_GROUP = "armed_group", "Armed group"
    COMPANY = "company", "Company"
    MEDIA = "media", "Media"
    ANALYST = "analyst", "Analyst"
    ANONYMOUS = "anonymous", "Anonymous"


class IngestState(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    EXTRACTING = "extracting", "Extracting"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AppearanceMode(models.TextChoices):
    STATEMENT = "statement", "Statement"
    TELEGRAM = "telegram", "Telegram post"
    SOCIAL = "social", "Social media"
    BRIEFING = "briefing", "Briefing"
    INTERVIEW = "interview", "Interview"
    REPORT = "report", "News report"
    OTHER = "other", "Other"


class EvidenceKind(models.TextChoices):
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    INDEPENDENT_REPORT = "independent_report", "Independent report"
    IMAGERY = "imagery", "Imagery / geolocation"
    DOCUMENT = "document", "Document"
    ADMISSION = "admission", "Admission by the other side"
    FACT_CHECK = "fact_check", "Other fact-check"
    OTHER = "other", "Other"


class EvidenceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "Contradicts"
    SUPPORTS = "supports", "Supports"
    SAME_AS = "same_as", "Same as"
    FOLLOWS_UP = "follows_up", "Follows up"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Outlet(TimeStamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=OutletKind.choices, default=OutletKind.OTHER)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_choices_check("kind", OutletKind, "outlet_kind_valid")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_one("claims-outlet", self.slug)


class Article(TimeStamped):
    """One report. Pasted text has no URL; the content hash makes a second arrival the same row."""

    url = models.URLField(max_length=2000, blank=True, help_text="The address it was fetched from.")
    canonical_url = models.URLField(max_length=2000, null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    byline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    source_feed = models.ForeignKey(
        "ingest.Feed", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    ingest_state = models.CharField(max_length=20, choices=IngestState.choices, default=IngestState.QUEUED)
    # While queued or in progress: when the sweep may send the article to the workers again, its message lost
    # (broker down) or its worker dead (ingest services `articles_requeue_stalled`). Null: due at once.
    ingest_deadline = models.DateTimeField(null=True, blank=True)
    # The delivery (Celery task id) working on it: the same message delivered again after its worker died may take
    # the article back at once; any other message waits for the deadline.
    ingest_holder = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # ClaimReview markup found on the page: another fact-checker's verdict, citable as evidence.
    claimreview = models.JSONField(null=True, blank=True)
    # The same report at another address (wire copy, a light edit): linked to the first, never deleted;
    # its candidates are the first one's, so triage sees the report once. lib/neardup.py finds them.
    copy_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", db_index=False
    )
    minhash = ArrayField(models.BigIntegerField(), null=True, blank=True, editable=False)
    minhash_bands = ArrayField(models.BigIntegerField(), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=Q(canonical_url__isnull=False) & ~Q(canonical_url=""),
                name="article_canonical_url_unique",
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(content_hash__isnull=False) & ~Q(content_hash=""),
                name="article_content_hash_unique",
            ),
            _choices_check("ingest_state", IngestState, "article_ingest_state_valid"),
            models.CheckConstraint(condition=~Q(copy_of=models.F("id")), name="article_not_copy_of_self"),
        ]
        indexes = [
            models.Index(fields=["outlet", "-published_at"], name="article_outlet_published"),
            models.Index(fields=["copy_of"], name="article_copy_of", condition=Q(copy_of__isnull=False)),
            GinIndex(fields=["minhash_bands"], name="article_minhash_bands"),
            # The sweep's read: the few articles still on their way, by deadline.
            models.Index(
                fields=["ingest_deadline"],
                condition=Q(ingest_state__in=["queued", "fetching", "extracting"]),
                name="article_ingest_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url or self.url or f"Article {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse_one("claims-article", self.pk)

    @property
    def link(self) -> str:
        """The address to link to: only ever http(s), whatever was stored."""
        return web_url(self.canonical_url) or web_url(self.url)


class Claimant(TimeStamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ClaimantKind.choices, default=ClaimantKind.PERSON)
    role = models.CharField(max_length=300, blank=True)
    affiliation = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    side = models.CharField(max_length=100, blank=True, help_text="Side or country, e.g. Russia, Ukraine.")
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            _choices_check("kind", ClaimantKind, "claimant_kind_valid"),
            models.CheckConstraint(condition=~Q(affiliation=models.F("id")), name="claimant_not_own_affiliation"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_one("claims-claimant", self.slug)


class ClaimantAlias(models.Model):
    """A name under which a claimant appears in text ("Wagner's boss", "Prigozhin")."""

    claimant = models.ForeignKey(Claimant, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "claimant aliases"
        constraints = [
            models.UniqueConstraint(fields=["claimant", "normalized"], name="claimant_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.alias


class Story(TimeStamped):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    place = models.CharField(max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name_plural = "stories"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="story_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_one("claims-story", self.slug)


class Claim(TimeStamped):
    """One checkable statement in neutral words. `status` mirrors the last StatusChange."""

    text = models.TextField()
    claimant = models.ForeignKey(Claimant, on_delete=models.PROTECT, related_name="claims")
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    stories = models.ManyToManyField(Story, blank=True, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNVERIFIED, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_claims"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Plain text of claimant names and quotes, kept by services; the SQLite search reads it and
    # the PostgreSQL trigger turns text + this into `search_vector`.
    search_document = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "search_document", "search_vector"])

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            _choices_check("status", Status, "claim_status_valid"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="claim_not_merged_into_self"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
        ]
        indexes = [
            models.Index(fields=["-claimed_at", "-id"], name="claim_claimed_keyset"),
            models.Index(fields=["-status_changed_at", "-id"], name="claim_changed_keyset"),
            models.Index(fields=["-updated_at", "-id"], name="claim_updated_keyset"),
            models.Index(fields=["status", "-claimed_at", "-id"], name="claim_status_claimed"),
            models.Index(fields=["claimant", "-claimed_at"], name="claim_claimant_claimed"),
            # Claim counts per claimant and state (the claimant index) without reading the table.
            models.Index(
                fields=["claimant", "status"], name="claim_claimant_status", condition=Q(merged_into__isnull=True)
            ),
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            # The desk's "awaiting a verdict": open claims, the longest-waiting first, without a sort of all.
            models.Index(
                fields=["created_at", "id"],
                name="claim_awaiting_verdict",
                condition=Q(merged_into__isnull=True, status__in=["unverified", "disputed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse_one("claims-detail", self.pk)


class Appearance(models.Model):
    """Where a claim was reported and which side a party took there."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="appearances")
    speaker = models.ForeignKey(Claimant, on_delete=models.PROTECT, null=True, blank=True, related_name="appearances")
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.ASSERTS)
    quote = models.TextField(blank=True, help_text="Verbatim words, or a close paraphrase.")
    is_paraphrase = models.BooleanField(default=False)
    mode = models.CharField(max_length=20, choices=AppearanceMode.choices, default=AppearanceMode.STATEMENT)
    verb = models.CharField(max_length=50, blank=True)
    start_offset = models.PositiveIntegerField(null=True, blank=True)
    end_offset = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            _choices_check("stance", Stance, "appearance_stance_valid"),
            _choices_check("mode", AppearanceMode, "appearance_mode_valid"),
            models.CheckConstraint(
                condition=Q(start_offset__isnull=True)
                | Q(end_offset__isnull=True)
                | Q(end_offset__gte=models.F("start_offset")),
                name="appearance_offsets_ordered",
            ),
        ]
        indexes = [models.Index(fields=["claim", "stance"], name="appearance_claim_stance")]

    def __str__(self) -> str:
        return f"{self.get_stance_display()} in {self.article}"


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000, blank=True)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    stance = models.CharField(max_length=20, choices=EvidenceStance.choices)
    summary = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            _choices_check("kind", EvidenceKind, "evidence_kind_valid"),
            _choices_check("stance", EvidenceStance, "evidence_stance_valid"),
            models.CheckConstraint(condition=~Q(url="") | Q(article__isnull=False), name="evidence_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.summary[:60]}"

    @property
    def link(self) -> str:
        if self.url:
            return web_url(self.url)
        return self.article.link if self.article_id and self.article else ""


class AppendOnlyError(Exception):
    """Raised on an attempt to edit or delete status history."""


BACKDATED_AFTER = timedelta(minutes=5)


class StatusChange(models.Model):
    """The append-only history of a claim's state. Corrections are new changes."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    rationale = models.TextField()
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="status_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["changed_at", "id"]
        get_latest_by = ["changed_at", "id"]
        constraints = [
            _choices_check("to_status", Status, "statuschange_to_valid"),
            models.CheckConstraint(
                condition=Q(from_status="") | Q(from_status__in=Status.values), name="statuschange_from_valid"
            ),
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="statuschange_moves"),
            models.CheckConstraint(condition=~Q(rationale=""), name="statuschange_rationale_required"),
        ]
        indexes = [
            models.Index(fields=["claim", "changed_at", "id"], name="statuschange_claim_time"),
            models.Index(fields=["recorded_at", "id"], name="statuschange_feed"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs):
        # The database trigger is the real guard; this one gives a clear error first.
        if not self._state.adding:
            raise AppendOnlyError("Status history is append-only: record a new change instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Status history is append-only: it cannot be deleted.")

    @property
    def backdated(self) -> bool:
        """Recorded well after it took effect ("true as of"): the timeline then shows both dates."""
        return self.recorded_at - self.changed_at > BACKDATED_AFTER


class ClaimRelation(models.Model):
    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            _choices_check("kind", RelationKind, "relation_kind_valid"),
            models.UniqueConstraint(fields=["from_claim", "to_claim", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(from_claim=models.F("to_claim")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim_id} {self.kind} {self.to_claim_id}"


class SearchAlias(models.Model):
    """Another way readers write a name search should find: a place in Cyrillic ("Соледар"), an
    old or transliterated name ("Artemovsk" for Bakhmut). A search for the alias also searches for
    what it means (selectors.search). Claimants' other names live in ClaimantAlias."""

    alias = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, unique=True, editable=False)
    means = models.CharField(max_length=200, help_text="What to search for as well, e.g. Bakhmut.")

    class Meta:
        ordering = ["means", "alias"]
        verbose_name_plural = "search aliases"

    def __str__(self) -> str:
        return f"{self.alias} → {self.means}"
