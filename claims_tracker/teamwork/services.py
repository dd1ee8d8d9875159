"""Writes for shared work: assignments, internal notes, follows, activity and notifications.

Who may change an assignment (the permission the desk's matrix tests): any editor may assign a
claim nobody has, and may change or drop an assignment that is theirs (assigned to them, or made by
them); changing a colleague's assignment someone else made is a reviewer's call. Every editor sees
every assignment and every editor's activity page: the desk's work is shared, only notifications
are personal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims_tracker.accounts import roles
from claims_tracker.claims.models import Claim, Story
from claims_tracker.claims.services import NotAllowed, ServiceError
from claims_tracker.lib.text import normalize_whitespace

from .models import NOTE_MAX_LENGTH, Activity, Assignment, Follow, Note, Notification, Verb


def can_change_assignment(user, assignment: Assignment | None) -> bool:
    if assignment is None or roles.is_reviewer(user):
        return True
    return user.pk in (assignment.assignee_id, assignment.assigned_by_id)


def activity_record(
    *, actor, verb: str, claim: Claim | None = None, article_id: int | None = None, subject=None, detail: str = ""
) -> Activity:
    """Write one activity row and notify who should hear of it (never the actor)."""
    activity = Activity.objects.create(
        actor=actor, verb=verb, claim=claim, article_id=article_id, subject=subject, detail=detail[:300]
    )
    users: set[int] = set()
    if claim is not None and verb in (Verb.STATUS_CHANGED, Verb.EVIDENCE_ADDED, Verb.APPEARANCE_ADDED):
        users |= _followers(claim)
    if verb == Verb.ASSIGNED and subject is not None:
        users.add(subject.pk)
    users.discard(getattr(actor, "pk", None))
    Notification.objects.bulk_create(
        [Notification(user_id=pk, activity=activity) for pk in sorted(users)], ignore_conflicts=True
    )
    return activity


def _followers(claim: Claim) -> set[int]:
    follows = Follow.objects.filter(Q(claim_id=claim.pk) | Q(story__claims=claim.pk))
    return set(follows.values_list("user_id", flat=True))


def _editor(user_id: int | None):
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not roles.is_editor(user):
        raise ServiceError("Choose an editor of this desk.", field="assignee")
    return user


@transaction.atomic
def claim_assign(*, claim_id: int, assignee_id: int | None, user) -> Assignment | None:
    """Give a claim to an editor, hand it to another, or (assignee None) drop the assignment."""
    claim = Claim.objects.select_for_update().only("pk", "merged_into_id").get(pk=claim_id)
    if claim.merged_into_id:
        raise ServiceError(f"This claim was merged into #{claim.merged_into_id}: assign that one.")
    assignee = _editor(assignee_id)
    current = Assignment.objects.select_related("assignee").filter(claim=claim).first()
    if not can_change_assignment(user, current):
        raise NotAllowed(
            f"Claim #{claim.pk} is {current.assignee.get_username()}'s, assigned by someone else: "
            "ask them or a reviewer to hand it over."
        )
    if current is not None and assignee is not None and current.assignee_id == assignee.pk:
        return current  # nothing changes: no activity, no notification
    if current is not None:
        current.delete()
        if assignee is None:
            activity_record(actor=user, verb=Verb.UNASSIGNED, claim=claim, subject=current.assignee)
    if assignee is None:
        return None
    assignment = Assignment.objects.create(claim=claim, assignee=assignee, assigned_by=user)
    activity_record(actor=user, verb=Verb.ASSIGNED, claim=claim, subject=assignee)
    # The assignee hears of what happens to their claim from now on.
    Follow.objects.get_or_create(user=assignee, claim=claim)
    return assignment


def note_add(*, claim_id: int, user, text: str, corrects_id: int | None = None) -> Note:
    """Append an internal note; a correction is a new note naming the one it corrects."""
    text = (text or "").strip()
    if not normalize_whitespace(text):
        raise ServiceError("Write the note first.", field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError(f"A note holds at most {NOTE_MAX_LENGTH} characters.", field="text")
    with transaction.atomic():
        claim = Claim.objects.only("pk").get(pk=claim_id)
        corrects = None
        if corrects_id is not None:
            corrects = Note.objects.filter(pk=corrects_id, claim=claim).first()
            if corrects is None:
                raise ServiceError("The note to correct is not one of this claim's notes.", field="corrects")
        note = Note.objects.create(claim=claim, author=user, text=text, corrects=corrects)
        detail = f"correcting note #{corrects.pk}" if corrects else ""
        activity_record(actor=user, verb=Verb.NOTE_ADDED, claim=claim, detail=detail)
    return note


def follow_set(*, user, claim: Claim | None = None, story: Story | None = None, on: bool) -> bool:
    """Follow (on) or stop following a claim or a story; returns whether the user follows it now."""
    if (claim is None) == (story is None):
        raise ServiceError("Follow a claim or a story.")
    target = {"claim": claim} if claim is not None else {"story": story}
    if not on:
        Follow.objects.filter(user=user, **target).delete()
        return False
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(user=user, **target)
    except IntegrityError:  # a double click raced the first one: it follows already
        pass
    return True


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when `ids` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
