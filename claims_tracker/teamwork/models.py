"""Shared work on the desk: who has a claim, what editors note about it, who follows what, and the
record of what each editor did (which also feeds followers' notifications).

Everything here is for editors only: no public page, feed, API view, webhook or JSON-LD reads these
tables. Notes and activity are append-only (a database trigger refuses UPDATE and DELETE on notes,
as on the status history): a correction is a new note that points at the one it corrects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from claims_tracker.claims.models import AppendOnlyError

NOTE_MAX_LENGTH = 4000


class Assignment(models.Model):
    """The editor who has a piece of work now (one at a time): a claim, a candidate group to triage, or a lone
    candidate (one in no group: a group of one). Exactly one of the three is set. Its changes are kept as
    Activity rows.

    A claim's assignment stays until someone changes it. Triage work is done once it is triaged: the row goes
    when its candidate, or the group's last untriaged member, is decided (receivers.on_candidate_decided),
    and My work never lists triage work with nothing left to decide, whichever way that came about.
    """

    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="assignment"
    )
    group = models.OneToOneField(
        "ingest.CandidateGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="assignment"
    )
    candidate = models.OneToOneField(
        "ingest.Candidate", on_delete=models.CASCADE, null=True, blank=True, related_name="assignment"
    )
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["assignee", "-assigned_at", "-id"], name="assignment_my_work")]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, group__isnull=True, candidate__isnull=True)
                | Q(claim__isnull=True, group__isnull=False, candidate__isnull=True)
                | Q(claim__isnull=True, group__isnull=True, candidate__isnull=False),
                name="assignment_one_target",
            )
        ]

    def __str__(self) -> str:
        if self.group_id:
            return f"group #{self.group_id} → {self.assignee_id}"
        if self.candidate_id:
            return f"candidate #{self.candidate_id} → {self.assignee_id}"
        return f"claim #{self.claim_id} → {self.assignee_id}"

    @property
    def kind(self) -> str:
        return "group" if self.group_id else "candidate" if self.candidate_id else "claim"


class Note(models.Model):
    """An internal note on a claim. Never edited in place: `corrects` points at the note it replaces."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="note_text_required")]
        indexes = [models.Index(fields=["claim", "created_at", "id"], name="note_claim_time")]

    def __str__(self) -> str:
        return f"note #{self.pk} on claim #{self.claim_id}"

    def save(self, *args, **kwargs):
        # The database trigger is the real guard; this one gives a clear error first.
        if not self._state.adding:
            raise AppendOnlyError("Notes are append-only: write a correcting note instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Notes are append-only: they cannot be deleted.")


class Follow(models.Model):
    """A user following a claim or a story (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    story = models.ForeignKey("claims.Story", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, story__isnull=True) | Q(claim__isnull=True, story__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(fields=["user", "claim"], name="follow_user_claim"),
            models.UniqueConstraint(fields=["user", "story"], name="follow_user_story"),
        ]
        indexes = [
            models.Index(fields=["claim"], name="follow_claim", condition=Q(claim__isnull=False)),
            models.Index(fields=["story"], name="follow_story", condition=Q(story__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {'claim' if self.claim_id else 'story'} #{self.claim_id or self.story_id}"


class Verb(models.TextChoices):
    STATUS_CHANGED = "status_changed", "changed the state of"
    APPEARANCE_ADDED = "appearance_added", "added an appearance to"
    EVIDENCE_ADDED = "evidence_added", "added evidence to"
    NOTE_ADDED = "note_added", "wrote a note on"
    ASSIGNED = "assigned", "assigned"
    UNASSIGNED = "unassigned", "unassigned"
    CANDIDATE_ACCEPTED = "candidate_accepted", "accepted a candidate as"
    CANDIDATE_ATTACHED = "candidate_attached", "attached a candidate to"
    CANDIDATE_REJECTED = "candidate_rejected", "rejected a candidate from"


# What followers hear about (the brief: state, evidence, appearances).
FOLLOWED_VERBS = (Verb.STATUS_CHANGED, Verb.EVIDENCE_ADDED, Verb.APPEARANCE_ADDED)


class Activity(models.Model):
    """One thing an editor did, newest first on their activity page. Written once, never edited.

    `detail` is a short plain-text line made when it happened ("Unverified → Confirmed"); it never
    holds a note's text, so notifications built from activity cannot carry one either.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=30, choices=Verb.choices)
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Triage work assigned or unassigned (the claim is None then): a candidate group or a lone candidate.
    group = models.ForeignKey(
        "ingest.CandidateGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    candidate = models.ForeignKey(
        "ingest.Candidate", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    subject = models.ForeignKey(  # the editor assigned or unassigned
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["actor", "-created_at", "-id"], name="activity_actor_keyset"),
            # For the cascades only: few rows name a group or a candidate.
            models.Index(fields=["group"], name="activity_group", condition=Q(group__isnull=False)),
            models.Index(fields=["candidate"], name="activity_candidate", condition=Q(candidate__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.claim_id or self.group_id or self.candidate_id}"


class Notification(models.Model):
    """An activity shown to one user (a follower, or the editor it assigned); read once they say so."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "activity"], name="notification_once")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_keyset"),
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"activity #{self.activity_id} for {self.user_id}"


class EmailDigest(models.Model):
    """A user who asked for a daily email of their unread notifications (off unless they ask)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_digest")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"daily digest for {self.user_id}"
