"""Desk-specific writes: candidate triage, and the few edits the claims services do not cover.

Every claim, appearance, evidence and claimant write goes through claims.services; this module
only decides a candidate's fate around those calls, and edits stories and outlets (which have no
version column: their `updated_at` serves as the optimistic-locking token).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from claims_tracker.claims import services as claims
from claims_tracker.claims import signals
from claims_tracker.claims.models import (
    Appearance,
    AppearanceMode,
    Claim,
    Claimant,
    ClaimantAlias,
    Outlet,
    Stance,
    StatusChange,
    Story,
)
from claims_tracker.claims.services import ServiceError, StateConflict
from claims_tracker.ingest.models import Candidate, CandidateState
from claims_tracker.lib.text import normalize_name, normalize_whitespace


def stamp(value: datetime) -> int:
    """`updated_at` as an integer version token for models without a version column."""
    return int(value.timestamp() * 1_000_000)


def _locked_new_candidate(candidate_id: int) -> Candidate:
    candidate = Candidate.objects.select_for_update().select_related("article").get(pk=candidate_id)
    if candidate.state != CandidateState.NEW:
        # Two editors triaging the same article: the second decision must not write anything.
        raise StateConflict(
            f"This candidate was already triaged ({candidate.get_state_display().lower()}). Move on to the next one."
        )
    return candidate


def _decide(candidate: Candidate, *, state: str, user, claim: Claim | None = None, reason: str = "") -> None:
    candidate.state = state
    candidate.claim = claim
    candidate.reject_reason = reason
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    fields = ["state", "claim", "reject_reason", "decided_by", "decided_at"]
    candidate.save(update_fields=fields)
    candidate_id = candidate.pk
    transaction.on_commit(lambda: signals.candidate_decided.send(sender=Candidate, candidate_id=candidate_id))


def _candidate_appearance(
    candidate: Candidate, *, claim: Claim, speaker, stance, quote, verb, mode, user
) -> Appearance:
    """The appearance a triaged candidate becomes: in its article, at its span."""
    return claims.appearance_add(
        claim=claim,
        article=candidate.article,
        speaker=speaker,
        stance=stance,
        quote=quote,
        # Without quotation marks in the report, the words are the reporter's paraphrase.
        is_paraphrase=not candidate.quote,
        verb=verb,
        mode=mode,
        start_offset=candidate.start_offset,
        end_offset=candidate.end_offset,
        created_by=user,
    )


@transaction.atomic
def candidate_accept(
    *,
    candidate_id: int,
    user,
    text: str,
    claimant: Claimant | None,
    new_claimant_name: str = "",
    stance: str = Stance.ASSERTS,
    quote: str = "",
    verb: str = "",
    mode: str = AppearanceMode.STATEMENT,
    stories: Sequence[Story] = (),
) -> Claim:
    """Turn a candidate into a new claim with its first appearance in the candidate's article."""
    candidate = _locked_new_candidate(candidate_id)
    if claimant is None:
        name = normalize_whitespace(new_claimant_name)
        if not name:
            raise ServiceError("Choose who made the claim, or name a new claimant.", field="claimant")
        claimant = claims.claimant_create(name=name, aliases=[candidate.speaker_text] if candidate.speaker_text else [])
    article = candidate.article
    claim = claims.claim_create(
        text=text,
        claimant=claimant,
        claimed_at=article.published_at or None,
        stories=stories,
        created_by=user,
    )
    _candidate_appearance(
        candidate, claim=claim, speaker=claimant, stance=stance, quote=quote, verb=verb, mode=mode, user=user
    )
    if candidate.claimant_id is None:
        candidate.claimant = claimant
        candidate.save(update_fields=["claimant"])
    _decide(candidate, state=CandidateState.ACCEPTED, user=user, claim=claim)
    return claim


@transaction.atomic
def candidate_attach(
    *,
    candidate_id: int,
    claim: Claim,
    user,
    speaker: Claimant | None = None,
    stance: str = Stance.ASSERTS,
    quote: str = "",
    verb: str = "",
    mode: str = AppearanceMode.STATEMENT,
) -> Appearance:
    """Record the candidate as one more appearance of an existing claim."""
    candidate = _locked_new_candidate(candidate_id)
    if claim.merged_into_id:
        raise StateConflict(
            f"Claim #{claim.pk} was merged into #{claim.merged_into_id}; attach to that one.", field="claim"
        )
    appearance = _candidate_appearance(
        candidate,
        claim=claim,
        speaker=speaker or candidate.claimant,
        stance=stance,
        quote=quote,
        verb=verb,
        mode=mode,
        user=user,
    )
    _decide(candidate, state=CandidateState.MERGED, user=user, claim=claim)
    return appearance


@transaction.atomic
def candidate_reject(*, candidate_id: int, user, reason: str) -> Candidate:
    reason = normalize_whitespace(reason or "")
    if not reason:
        raise ServiceError("Say why it is not a claim, so colleagues do not triage it again.", field="reason")
    candidate = _locked_new_candidate(candidate_id)
    _decide(candidate, state=CandidateState.REJECTED, user=user, reason=reason)
    return candidate


@transaction.atomic
def claim_change_status_with_evidence(
    *,
    claim_id: int,
    expected_version: int,
    to_status: str,
    rationale: str,
    user,
    evidence_ids: Iterable[int] = (),
    new_evidence: dict[str, Any] | None = None,
    changed_at: datetime | None = None,
) -> StatusChange:
    """Change the state, citing existing evidence and optionally one new item, all or nothing.
    `changed_at` is when the state became true (now when None); the time it was recorded is kept too.

    Adding evidence bumps the claim's version, so the version is checked here, under the row
    lock, before the evidence is added; the lock then keeps anyone else out until commit.
    """
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    claims.check_version(claim.version, expected_version, "claim")
    cited = list(evidence_ids)
    if new_evidence:
        evidence = claims.evidence_add(claim=claim, added_by=user, **new_evidence)
        cited.append(evidence.pk)
    return claims.claim_change_status(
        claim_id=claim_id,
        to_status=to_status,
        rationale=rationale,
        user=user,
        evidence_ids=cited,
        changed_at=changed_at,
    )


@transaction.atomic
def claimant_set_aliases(*, claimant: Claimant, aliases: Iterable[str]) -> None:
    """Make the alias list what the editor typed; the claimant's own name always stays."""
    wanted = {normalize_name(a): a for a in aliases if normalize_name(a)}
    keep = set(wanted) | {normalize_name(claimant.name)}
    ClaimantAlias.objects.filter(claimant=claimant).exclude(normalized__in=keep).delete()
    claims.claimant_add_aliases(claimant=claimant, aliases=wanted.values())
    claims.claimant_refresh_search(claimant_id=claimant.pk)  # aliases feed the claims' search text


@transaction.atomic
def story_update(*, story_id: int, expected_version: int, **fields: Any) -> Story:
    story = Story.objects.select_for_update().get(pk=story_id)
    claims.check_version(stamp(story.updated_at), expected_version, "story")
    title = normalize_whitespace(fields.get("title", story.title) or "")
    if not title:
        raise ServiceError("Title is required.", field="title")
    fields["title"] = title
    started, ended = fields.get("started_on", story.started_on), fields.get("ended_on", story.ended_on)
    if started and ended and ended < started:
        raise ServiceError("The story cannot end before it starts.", field="ended_on")
    for key, value in fields.items():
        setattr(story, key, value)
    story.save()
    return story


def outlet_create(*, name: str, kind: str, homepage: str = "", country: str = "") -> Outlet:
    name = normalize_whitespace(name or "")
    if not name:
        raise ServiceError("Name is required.", field="name")
    return Outlet.objects.create(
        name=name, slug=claims.unique_slug(Outlet, name), kind=kind, homepage=homepage, country=country
    )


@transaction.atomic
def outlet_update(*, outlet_id: int, expected_version: int, **fields: Any) -> Outlet:
    outlet = Outlet.objects.select_for_update().get(pk=outlet_id)
    claims.check_version(stamp(outlet.updated_at), expected_version, "outlet")
    name = normalize_whitespace(fields.get("name", outlet.name) or "")
    if not name:
        raise ServiceError("Name is required.", field="name")
    fields["name"] = name
    for key, value in fields.items():
        setattr(outlet, key, value)
    outlet.save()
    return outlet
