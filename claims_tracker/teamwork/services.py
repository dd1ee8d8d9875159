"""Writes for shared work: assignments, internal notes, follows, activity and notifications.

Who may change an assignment (the permission the desk's matrix tests): any editor may assign a
claim, a candidate group or a lone candidate nobody has, and may change or drop an assignment that is
theirs (assigned to them, or made by them); changing a colleague's assignment someone else made is a
reviewer's call. Every editor sees every assignment and every editor's activity page: the desk's work
is shared, only notifications are personal.

Triage work (a group, or a candidate in no group) is done when it is triaged: `triage_done` drops the
assignment, tells whoever handed it out, and has the assignee and the one who assigned it follow the
claim it became, so both hear of its verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims_tracker.accounts import roles
from claims_tracker.claims.models import Claim, Story
from claims_tracker.claims.services import NotAllowed, ServiceError, StateConflict
from claims_tracker.ingest.models import Candidate, CandidateGroup, CandidateState
from claims_tracker.lib.text import normalize_whitespace

from .models import NOTE_MAX_LENGTH, Activity, Assignment, Follow, Note, Notification, Verb


def can_change_assignment(user, assignment: Assignment | None) -> bool:
    if assignment is None or roles.is_reviewer(user):
        return True
    return user.pk in (assignment.assignee_id, assignment.assigned_by_id)


def activity_record(
    *,
    actor,
    verb: str,
    claim: Claim | None = None,
    article_id: int | None = None,
    subject=None,
    detail: str = "",
    group_id: int | None = None,
    candidate_id: int | None = None,
    notify: Iterable[int] = (),
) -> Activity:
    """Write one activity row and notify who should hear of it (never the actor); `notify`: more user ids."""
    activity = Activity.objects.create(
        actor=actor,
        verb=verb,
        claim=claim,
        article_id=article_id,
        subject=subject,
        detail=detail[:300],
        group_id=group_id,
        candidate_id=candidate_id,
    )
    users: set[int] = {pk for pk in notify if pk is not None}
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
    """Who follows the claim or one of its stories: the follow indexes probed for the claim and for its stories
    (found by the claim's own rows in the stories table), one UNION query. Joining follows to stories to their
    claims under an OR read all three tables whole on every change."""
    stories = Claim.stories.through.objects.filter(claim_id=claim.pk).values("story_id")
    of_claim = Follow.objects.filter(claim_id=claim.pk).values_list("user_id", flat=True)
    of_stories = Follow.objects.filter(story_id__in=stories).values_list("user_id", flat=True)
    return set(of_claim.union(of_stories))


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


def _triage_target(*, group_id: int | None, candidate_id: int | None) -> tuple[str, int, str, int | None]:
    """Lock the group or candidate to assign: (field, id, label, article id). Refused when there is nothing
    left to triage in it, or when a candidate is part of a group (the group is the work then)."""
    if (group_id is None) == (candidate_id is None):
        raise ServiceError("Assign a candidate group or a candidate.")
    if group_id is not None:
        group = CandidateGroup.objects.select_for_update().only("pk").filter(pk=group_id).first()
        if group is None:
            raise ServiceError(f"Group #{group_id} does not exist.")
        return "group", group.pk, f"Group #{group.pk}", None
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .only("pk", "state", "group_id", "article_id")
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise ServiceError(f"Candidate #{candidate_id} does not exist.")
    if candidate.group_id:
        raise ServiceError(
            f"This candidate is one report of group #{candidate.group_id}: assign the group, "
            "so one editor triages every report of the statement."
        )
    return "candidate", candidate.pk, f"Candidate #{candidate.pk}", candidate.article_id


def _still_open(field: str, pk: int) -> bool:
    if field == "group":
        return Candidate.objects.filter(group_id=pk, state=CandidateState.NEW).exists()
    return Candidate.objects.filter(pk=pk, state=CandidateState.NEW).exists()


@transaction.atomic
def triage_assign(
    *, assignee_id: int | None, user, group_id: int | None = None, candidate_id: int | None = None
) -> Assignment | None:
    """Give a candidate group, or a candidate in no group, to an editor to triage; hand it to another; or
    (assignee None) drop the assignment. The same rules as a claim's (`can_change_assignment`)."""
    field, pk, label, article_id = _triage_target(group_id=group_id, candidate_id=candidate_id)
    assignee = _editor(assignee_id)
    current = Assignment.objects.select_related("assignee").filter(**{f"{field}_id": pk}).first()
    if not can_change_assignment(user, current):
        raise NotAllowed(
            f"{label} is {current.assignee.get_username()}'s, assigned by someone else: "
            "ask them or a reviewer to hand it over."
        )
    if assignee is not None and not _still_open(field, pk):
        raise StateConflict(f"{label} is already triaged: there is nothing left in it to assign.")
    if current is not None and assignee is not None and current.assignee_id == assignee.pk:
        return current  # nothing changes: no activity, no notification
    target = {f"{field}_id": pk, "article_id": article_id}
    if current is not None:
        current.delete()
        if assignee is None:
            activity_record(actor=user, verb=Verb.UNASSIGNED, subject=current.assignee, **target)
    if assignee is None:
        return None
    assignment = Assignment.objects.create(assignee=assignee, assigned_by=user, **{f"{field}_id": pk})
    activity_record(actor=user, verb=Verb.ASSIGNED, subject=assignee, **target)
    return assignment


def triage_done(*, candidate: Candidate) -> tuple[list[Assignment], set[int]]:
    """After `candidate` was triaged: drop the assignments whose work that finished (the candidate's own, also
    when it was assigned alone before grouping put it in a group; its group's, once no member is left to
    decide), and have their assignees and assigners follow the claim the candidate became. Returns the
    finished assignments and whom to tell of the decision. Idempotent: a second call finds none."""
    finished = list(Assignment.objects.filter(candidate_id=candidate.pk))
    if candidate.group_id and not _still_open("group", candidate.group_id):
        finished += list(Assignment.objects.filter(group_id=candidate.group_id))
    if not finished:
        return [], set()
    Assignment.objects.filter(pk__in=[a.pk for a in finished]).delete()
    people = {pk for a in finished for pk in (a.assignee_id, a.assigned_by_id)} - {None}
    if candidate.claim_id:
        Follow.objects.bulk_create(
            [Follow(user_id=pk, claim_id=candidate.claim_id) for pk in sorted(people)], ignore_conflicts=True
        )
    return finished, people - {candidate.decided_by_id}


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
