"""Ingestion: feeds we poll, the entries they delivered, and candidates awaiting triage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from claims_tracker.claims.models import EvidenceStance, Stance


class FeedStatus(models.TextChoices):
    NEW = "", "Not polled yet"
    OK = "ok", "OK"
    NOT_MODIFIED = "not_modified", "OK (not modified)"
    FAILED = "failed", "Failing"
    BROKEN = "broken", "Broken feed"


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    outlet = models.ForeignKey("claims.Outlet", on_delete=models.SET_NULL, null=True, blank=True, related_name="feeds")
    active = models.BooleanField(default=True)
    # The interval in use now, adapted after each poll within the bounds below (ingest/schedule.py says how).
    poll_interval = models.PositiveIntegerField(default=900, help_text="Seconds between polls, as adapted now.")
    poll_interval_min = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds; the most often it is polled. Empty: INGEST_FEED_MIN_INTERVAL."
    )
    poll_interval_max = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds; the least often it is polled. Empty: INGEST_FEED_MAX_INTERVAL."
    )
    # Counted by every poll that reached the server (failures included); the share of 304s is the ETag's worth.
    poll_count = models.PositiveBigIntegerField(default=0)
    not_modified_count = models.PositiveBigIntegerField(default=0)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_status = models.CharField(max_length=20, choices=FeedStatus.choices, blank=True, default=FeedStatus.NEW)
    # What the last poll did ("3 new entries; 1 refused: ..."), shown on the feed's health page.
    last_poll_note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.CheckConstraint(condition=Q(poll_interval__gte=60), name="feed_poll_interval_min"),
            models.CheckConstraint(
                condition=Q(poll_interval_min__isnull=True) | Q(poll_interval_min__gte=60),
                name="feed_poll_bound_min_gte_60",
            ),
            models.CheckConstraint(
                condition=Q(poll_interval_min__isnull=True)
                | Q(poll_interval_max__isnull=True)
                | Q(poll_interval_min__lte=F("poll_interval_max")),
                name="feed_poll_bounds_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["next_poll_at"], condition=Q(active=True), name="feed_due"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def not_modified_share(self) -> int:
        """Per cent of polls answered 304 Not Modified."""
        return round(100 * self.not_modified_count / self.poll_count) if self.poll_count else 0


class FeedEntry(models.Model):
    """One entry of one feed; the (feed, guid) pair makes a repeated delivery a no-op."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=1000)
    link = models.URLField(max_length=2000, blank=True)
    article = models.ForeignKey(
        "claims.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="feed_entries"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="feedentry_feed_guid_unique")]
        verbose_name_plural = "feed entries"

    def __str__(self) -> str:
        return self.guid


class CandidateState(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Attached to a claim"


class CandidateGroup(models.Model):
    """Candidates from different articles that restate one statement (ingest.grouping keeps it up to date).

    Acting on the group acts on each member, which still becomes its own appearance. A group is never deleted
    with its members, nor they with it: splitting a member off only clears its `group`.
    """

    claimant = models.ForeignKey(
        "claims.Claimant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    speaker_key = models.CharField(max_length=300, blank=True)  # the speaker as written, normalised, if no claimant
    statement = models.TextField()  # the first member's, as the desk's row shows it
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"group #{self.pk}: {self.statement[:60]}"


class Candidate(models.Model):
    """A claim the extractor found in an article and an editor has not triaged yet."""

    # Indexes: the article's candidates are read through the (article, span) constraint, whose first column
    # is the article; the claimant, claim and decider are set on few candidates (and the last two only at
    # triage), so their indexes skip the rows where they are null. Each new candidate updates three indexes
    # (primary key, span, triage queue) instead of seven.
    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, related_name="candidates", db_index=False)
    sentence = models.TextField()
    statement = models.TextField(blank=True)
    quote = models.TextField(blank=True)
    speaker_text = models.CharField(max_length=300, blank=True)
    claimant = models.ForeignKey(
        "claims.Claimant", on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates", db_index=False
    )
    verb = models.CharField(max_length=50, blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.ASSERTS)
    confidence = models.FloatField(default=0.5)
    start_offset = models.PositiveIntegerField(null=True, blank=True)
    end_offset = models.PositiveIntegerField(null=True, blank=True)
    # [[start, end], ...] of each piece when a quote goes on after its attribution ("“A,” she said. “B.”");
    # start_offset..end_offset spans them all. Empty for candidates stored before pieces were kept.
    pieces = models.JSONField(default=list, blank=True)
    direct = models.BooleanField(default=False)  # a quotation in quote marks, not reported speech
    state = models.CharField(max_length=20, choices=CandidateState.choices, default=CandidateState.NEW)
    reject_reason = models.TextField(blank=True)
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates", db_index=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    group = models.ForeignKey(
        CandidateGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", db_index=False
    )
    # An editor split it off its group: grouping leaves it alone from then on.
    kept_apart = models.BooleanField(default=False)
    # Its first match at or above claim_matching.LIKELY when grouping ran: candidates of one speaker that very
    # probably restate the same claim are grouped even in different words.
    likely_claim = models.ForeignKey(
        "claims.Claim", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["article", "start_offset", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CandidateState.values), name="candidate_state_valid"),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="candidate_stance_valid"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="candidate_confidence_range"
            ),
            # Extraction is idempotent: the same span of the same article is one candidate.
            models.UniqueConstraint(
                fields=["article", "start_offset", "end_offset"], name="candidate_article_span_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="candidate_triage"),
            *(
                models.Index(fields=[name], name=f"candidate_{name}", condition=Q(**{f"{name}__isnull": False}))
                for name in ("claimant", "claim", "decided_by", "group")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_text}: {self.statement[:60]}"


class SuggestionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class BearingSuggestion(models.Model):
    """A candidate whose statement bears on an existing claim, proposed as evidence with a stance
    (ingest.bearing: rules, each with its reason). Kept with who decided and when; accepting adds the Evidence."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="bearings", db_index=False)
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="bearing_suggestions")
    stance = models.CharField(max_length=20, choices=EvidenceStance.choices)
    reasons = models.JSONField(default=list)  # ["places: Soledar", "“withdrawn” concedes “control”", ...]
    state = models.CharField(max_length=20, choices=SuggestionState.choices, default=SuggestionState.PROPOSED)
    evidence = models.ForeignKey(
        "claims.Evidence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["candidate", "id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "claim"], name="bearing_candidate_claim_unique"),
            models.CheckConstraint(condition=Q(state__in=SuggestionState.values), name="bearing_state_valid"),
            models.CheckConstraint(condition=Q(stance__in=EvidenceStance.values), name="bearing_stance_valid"),
        ]

    def __str__(self) -> str:
        return f"candidate {self.candidate_id} {self.stance} claim {self.claim_id}"


class FetchedPage(models.Model):
    """The raw page between the fetch step and the extract step; deleted once the article is done."""

    article = models.OneToOneField("claims.Article", on_delete=models.CASCADE, related_name="fetched_page")
    final_url = models.URLField(max_length=2000)
    status = models.PositiveSmallIntegerField(default=200)
    content_type = models.CharField(max_length=200, blank=True)
    encoding = models.CharField(max_length=50, blank=True)
    body = models.BinaryField()
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.final_url


class ArticleRedirect(models.Model):
    """An article found to duplicate another after extraction was merged into it; its old id leads here."""

    from_article_id = models.BigIntegerField(unique=True)
    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"{self.from_article_id} -> {self.article_id}"


class WebSubState(models.TextChoices):
    PENDING = "pending", "Asked; waiting for the hub's check"
    ACTIVE = "active", "Pushing"
    DENIED = "denied", "Refused by the hub"
    FAILED = "failed", "Subscribing failed"


class WebSubSubscription(models.Model):
    """A feed's WebSub subscription (W3C WebSub): the hub pushes new content to our callback, named by `token`.

    `secret` signs every push (X-Hub-Signature, HMAC); a push whose signature does not match is ignored.
    """

    feed = models.OneToOneField(Feed, on_delete=models.CASCADE, related_name="websub")
    hub = models.URLField(max_length=2000)
    topic = models.URLField(max_length=2000)
    token = models.CharField(max_length=64, unique=True)
    secret = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=WebSubState.choices, default=WebSubState.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    push_count = models.PositiveBigIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.topic} via {self.hub}"
