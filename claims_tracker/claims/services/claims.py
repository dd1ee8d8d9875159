"""Writes to claims and what hangs off them: the statement, appearances, evidence, relations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import signals
from ..models import (
    Appearance,
    AppearanceMode,
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    Evidence,
    EvidenceKind,
    EvidenceStance,
    RelationKind,
    Stance,
    Status,
    StatusChange,
    Story,
)
from .common import ServiceError, _require_text, check_version
from .search import claim_refresh_search


def claim_create(
    *,
    text: str,
    claimant: Claimant,
    claimed_at: datetime | None = None,
    stories: Sequence[Story] = (),
    created_by=None,
    rationale: str = "Logged as claimed; not independently verified.",
) -> Claim:
    """Create a claim in the default state, with the first entry of its history."""
    text = _require_text(text, "text", "The claim's statement")
    claimed_at = claimed_at or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.create(
            text=text,
            claimant=claimant,
            claimed_at=claimed_at,
            status=Status.UNVERIFIED,
            status_changed_at=claimed_at,
            status_changed_by=created_by,
            created_by=created_by,
        )
        if stories:
            claim.stories.set(stories)
        StatusChange.objects.create(
            claim=claim,
            from_status="",
            to_status=Status.UNVERIFIED,
            rationale=rationale,
            changed_by=created_by,
            changed_at=claimed_at,
        )
        claim_refresh_search(claim_id=claim.pk)
        claim_id = claim.pk
        transaction.on_commit(lambda: signals.claim_created.send(sender=Claim, claim_id=claim_id))
    claim.refresh_from_db()
    return claim


def claim_update(*, claim_id: int, expected_version: int, user=None, **fields: Any) -> Claim:
    """Edit a claim's statement, claimant, date or stories; a stale version writes nothing."""
    allowed = {"text", "claimant", "claimed_at", "stories"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        check_version(claim.version, expected_version, "claim")
        stories = fields.pop("stories", None)
        if "text" in fields:
            fields["text"] = _require_text(fields["text"], "text", "The claim's statement")
        for key, value in fields.items():
            setattr(claim, key, value)
        claim.version += 1
        claim._history_user = user
        claim.save()
        if stories is not None:
            claim.stories.set(stories)
        claim_refresh_search(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


def _touch(claim_id: int) -> None:
    """Bump a claim's version after a change to what hangs off it (appearances, evidence)."""
    Claim.objects.filter(pk=claim_id).update(version=F("version") + 1, updated_at=timezone.now())


def appearance_add(
    *,
    claim: Claim,
    article: Article,
    speaker: Claimant | None = None,
    stance: str = Stance.ASSERTS,
    quote: str = "",
    is_paraphrase: bool = False,
    mode: str = AppearanceMode.STATEMENT,
    verb: str = "",
    start_offset: int | None = None,
    end_offset: int | None = None,
    created_by=None,
) -> Appearance:
    if stance not in Stance.values:
        raise ServiceError(f"Unknown stance {stance!r}.", field="stance")
    if start_offset is not None and end_offset is not None:
        if start_offset < 0 or end_offset < start_offset:
            raise ServiceError("The quote's offsets are out of order.", field="start_offset")
        if article.text and end_offset > len(article.text):
            raise ServiceError("The quote's offsets lie outside the article's text.", field="end_offset")
    with transaction.atomic():
        appearance = Appearance.objects.create(
            claim=claim,
            article=article,
            speaker=speaker,
            stance=stance,
            quote=quote.strip(),
            is_paraphrase=is_paraphrase,
            mode=mode,
            verb=verb,
            start_offset=start_offset,
            end_offset=end_offset,
            created_by=created_by,
        )
        _touch(claim.pk)
        claim_refresh_search(claim_id=claim.pk)
        appearance_id = appearance.pk
        transaction.on_commit(
            lambda: signals.appearance_added.send(sender=Claim, claim_id=claim.pk, appearance_id=appearance_id)
        )
    return appearance


def evidence_add(
    *,
    claim: Claim,
    stance: str,
    summary: str,
    kind: str = EvidenceKind.OTHER,
    url: str = "",
    article: Article | None = None,
    added_by=None,
    created_at: datetime | None = None,
) -> Evidence:
    summary = _require_text(summary, "summary", "A summary of the evidence")
    if stance not in EvidenceStance.values:
        raise ServiceError("Say whether the evidence supports or contradicts the claim.", field="stance")
    if kind not in EvidenceKind.values:
        raise ServiceError(f"Unknown kind of evidence {kind!r}.", field="kind")
    url = (url or "").strip()
    if not url and article is None:
        raise ServiceError("Evidence needs a URL or an article.", field="url")
    if url and not url.lower().startswith(("http://", "https://")):
        raise ServiceError("The evidence URL must start with http:// or https://.", field="url")
    with transaction.atomic():
        evidence = Evidence.objects.create(
            claim=claim,
            url=url,
            article=article,
            kind=kind,
            stance=stance,
            summary=summary,
            added_by=added_by,
            created_at=created_at or timezone.now(),
        )
        _touch(claim.pk)
        from claims_tracker.archive.services import evidence_archive_enqueue  # archive imports claims

        evidence_archive_enqueue(evidence)  # after commit: the evidence never waits for its copy
        evidence_id = evidence.pk
        transaction.on_commit(
            lambda: signals.evidence_added.send(sender=Claim, claim_id=claim.pk, evidence_id=evidence_id)
        )
    return evidence


def claim_relate(*, from_claim: Claim, to_claim: Claim, kind: str, note: str = "", user=None) -> ClaimRelation:
    if kind not in RelationKind.values:
        raise ServiceError(f"Unknown relation {kind!r}.", field="kind")
    if from_claim.pk == to_claim.pk:
        raise ServiceError("A claim cannot be related to itself.", field="to_claim")
    # Symmetric kinds are stored once whichever way round they were entered.
    if kind in (RelationKind.CONTRADICTS, RelationKind.SUPPORTS):
        existing = ClaimRelation.objects.filter(from_claim=to_claim, to_claim=from_claim, kind=kind).first()
        if existing:
            return existing
    relation, _ = ClaimRelation.objects.get_or_create(
        from_claim=from_claim, to_claim=to_claim, kind=kind, defaults={"note": note, "created_by": user}
    )
    return relation
