"""Desk writes on candidate groups and bearing suggestions, around the one-candidate services.

Accepting or attaching a group runs desk.services.candidate_accept / candidate_attach on each new member, in one
transaction: each member becomes its own appearance, in its own article (outlet, date), with its own quote,
verb and stance. Members already triaged are left as they are; nothing is deleted, and splitting a member off
only takes it out of the group.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from claims_tracker.claims import services as claims
from claims_tracker.claims.models import AppearanceMode, Claim, Claimant, EvidenceKind, Story
from claims_tracker.claims.services import ServiceError, StateConflict
from claims_tracker.ingest.models import (
    BearingSuggestion,
    Candidate,
    CandidateGroup,
    CandidateState,
    SuggestionState,
)

from . import services
from .forms.triage import MODE_BY_VERB


def _new_members(group_id: int) -> list[Candidate]:
    """The group's untriaged members, locked, oldest report first; refused when there are none."""
    if not CandidateGroup.objects.filter(pk=group_id).exists():
        raise ServiceError(f"Group #{group_id} does not exist.")
    members = list(
        Candidate.objects.select_for_update()
        .filter(group_id=group_id, state=CandidateState.NEW)
        .order_by("article__published_at", "article_id", "id")
    )
    if not members:
        raise StateConflict("Every member of this group was already triaged. Move on to the next one.")
    return members


def _own_words(candidate: Candidate) -> dict:
    """What each member's appearance keeps of its own report."""
    return {
        "stance": candidate.stance,
        "quote": candidate.quote or candidate.statement,
        "verb": candidate.verb,
        "mode": MODE_BY_VERB.get(candidate.verb.lower(), AppearanceMode.STATEMENT),
    }


@transaction.atomic
def group_accept(
    *,
    group_id: int,
    user,
    text: str,
    claimant: Claimant | None,
    new_claimant_name: str = "",
    stories: Sequence[Story] = (),
) -> tuple[Claim, list[Candidate]]:
    """One new claim for the group: its first report's member is accepted, the others attached to it."""
    first, *rest = _new_members(group_id)
    claim = services.candidate_accept(
        candidate_id=first.pk,
        user=user,
        text=text,
        claimant=claimant,
        new_claimant_name=new_claimant_name,
        stories=stories,
        **_own_words(first),
    )
    for member in rest:
        services.candidate_attach(candidate_id=member.pk, claim=claim, user=user, **_own_words(member))
    return claim, [first, *rest]


@transaction.atomic
def group_attach(*, group_id: int, claim: Claim, user) -> list[Candidate]:
    """Each new member becomes one more appearance of `claim`."""
    if claim.merged_into_id:
        raise ServiceError(
            f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; attach to that one.", field="claim"
        )
    members = _new_members(group_id)
    for member in members:
        services.candidate_attach(candidate_id=member.pk, claim=claim, user=user, **_own_words(member))
    return members


@transaction.atomic
def group_split(*, candidate_id: int, user) -> Candidate:
    """Take a wrongly grouped candidate out of its group, for good (grouping will not put it back)."""
    candidate = Candidate.objects.select_for_update().filter(pk=candidate_id).first()
    if candidate is None or candidate.group_id is None:
        raise ServiceError("This candidate is not in a group (any more).")
    if candidate.state != CandidateState.NEW:
        raise StateConflict("This candidate was already triaged; it stays with the group it was triaged in.")
    candidate.group = None
    candidate.kept_apart = True
    candidate.save(update_fields=["group", "kept_apart"])
    return candidate


def _proposed(suggestion_id: int) -> BearingSuggestion:
    suggestion = (
        BearingSuggestion.objects.select_for_update()
        .select_related("candidate__article", "claim")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise ServiceError(f"Suggestion #{suggestion_id} does not exist.")
    if suggestion.state != SuggestionState.PROPOSED:
        raise ServiceError(f"This suggestion was already {suggestion.get_state_display().lower()}.")
    return suggestion


def _decide(suggestion: BearingSuggestion, state: str, user) -> None:
    suggestion.state = state
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "evidence", "decided_by", "decided_at"])


@transaction.atomic
def bearing_accept(*, suggestion_id: int, user, stance: str = "", kind: str = EvidenceKind.INDEPENDENT_REPORT):
    """The candidate's report becomes evidence for the claim (claims.services.evidence_add), with the suggested
    stance unless the editor chose another."""
    suggestion = _proposed(suggestion_id)
    candidate = suggestion.candidate
    speaker = candidate.claimant.name if candidate.claimant_id else candidate.speaker_text
    said = candidate.statement or candidate.sentence
    suggestion.evidence = claims.evidence_add(
        claim=suggestion.claim,
        stance=stance or suggestion.stance,
        kind=kind,
        summary=f"{speaker}: {said}" if speaker else said,
        article=candidate.article,
        added_by=user,
    )
    _decide(suggestion, SuggestionState.ACCEPTED, user)
    return suggestion


@transaction.atomic
def bearing_dismiss(*, suggestion_id: int, user) -> BearingSuggestion:
    suggestion = _proposed(suggestion_id)
    _decide(suggestion, SuggestionState.DISMISSED, user)
    return suggestion
