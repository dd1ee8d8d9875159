"""Every write to the claims domain goes through here: pages, API, tasks, admin and demo alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from claims_tracker.accounts import roles
from claims_tracker.lib.text import normalize_name, normalize_whitespace

from . import signals
from .models import (
    VERDICT_STATUSES,
    Appearance,
    AppearanceMode,
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
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


class ServiceError(Exception):
    """A write refused for a reason the user can act on. `field` names the input at fault."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(ServiceError):
    code = "invalid_transition"


class StaleVersion(ServiceError):
    code = "stale_version"

    def __init__(self, message: str, *, current_version: int, field: str | None = "expected_version"):
        super().__init__(message, field=field)
        self.current_version = current_version


class NotAllowed(ServiceError):
    code = "not_allowed"


@dataclass(frozen=True)
class TransitionRule:
    needs_evidence: bool = False
    evidence_stance: str | None = None  # the stance at least one cited item must take
    hint: str = ""


# The table of confirmation states (DESIGN.md): rationale always, evidence where listed.
TRANSITION_RULES: dict[str, TransitionRule] = {
    Status.UNVERIFIED: TransitionRule(hint="A rationale."),
    Status.DISPUTED: TransitionRule(hint="A rationale naming who contests it."),
    Status.PARTLY_CONFIRMED: TransitionRule(needs_evidence=True, hint="A rationale and evidence."),
    Status.CONFIRMED: TransitionRule(
        needs_evidence=True,
        evidence_stance=EvidenceStance.SUPPORTS,
        hint="A rationale and evidence that supports the claim.",
    ),
    Status.REFUTED: TransitionRule(
        needs_evidence=True,
        evidence_stance=EvidenceStance.CONTRADICTS,
        hint="A rationale and evidence that contradicts the claim.",
    ),
    Status.RETRACTED: TransitionRule(needs_evidence=True, hint="A rationale and evidence of the retraction."),
    Status.UNVERIFIABLE: TransitionRule(hint="A rationale saying why it cannot be checked."),
}


def unique_slug(model: Any, base: str, *, exclude_pk: int | None = None) -> str:
    """A slug for `base` that no other row of `model` has (`-2`, `-3` ... appended as needed)."""
    root = (slugify(base) or "item")[:190]
    slug, n = root, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


def _require_text(value: str, field: str, label: str) -> str:
    value = normalize_whitespace(value or "")
    if not value:
        raise ServiceError(f"{label} is required.", field=field)
    return value


# Claimants, stories, outlets ---------------------------------------------------------------


def claimant_create(
    *,
    name: str,
    kind: str = "person",
    role: str = "",
    affiliation: Claimant | None = None,
    side: str = "",
    description: str = "",
    aliases: Iterable[str] = (),
    slug: str | None = None,
) -> Claimant:
    name = _require_text(name, "name", "Name")
    with transaction.atomic():
        claimant = Claimant.objects.create(
            name=name,
            slug=slug or unique_slug(Claimant, name),
            kind=kind,
            role=role,
            affiliation=affiliation,
            side=side,
            description=description,
        )
        claimant_add_aliases(claimant=claimant, aliases=[name, *aliases])
    return claimant


def claimant_add_aliases(*, claimant: Claimant, aliases: Iterable[str]) -> list[ClaimantAlias]:
    added = []
    for alias in aliases:
        alias = normalize_whitespace(alias)
        normalized = normalize_name(alias)
        if not normalized:
            continue
        obj, created = ClaimantAlias.objects.get_or_create(
            claimant=claimant, normalized=normalized, defaults={"alias": alias}
        )
        if created:
            added.append(obj)
    return added


def claimant_update(*, claimant_id: int, expected_version: int, **fields: Any) -> Claimant:
    """Edit a claimant; a stale `expected_version` writes nothing."""
    allowed = {"name", "kind", "role", "affiliation", "side", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        claimant = Claimant.objects.select_for_update().get(pk=claimant_id)
        check_version(claimant.version, expected_version, "claimant")
        if "name" in fields:
            fields["name"] = _require_text(fields["name"], "name", "Name")
        affiliation = fields.get("affiliation")
        if affiliation is not None and _affiliation_loops(claimant, affiliation):
            raise ServiceError("A claimant cannot belong to itself, directly or through others.", field="affiliation")
        for key, value in fields.items():
            setattr(claimant, key, value)
        claimant.version += 1
        claimant.save()
        if "name" in fields:
            claimant_add_aliases(claimant=claimant, aliases=[claimant.name])
            claimant_refresh_search(claimant_id=claimant.pk)
    return claimant


def _affiliation_loops(claimant: Claimant, affiliation: Claimant) -> bool:
    seen: set[int] = set()
    node: Claimant | None = affiliation
    while node is not None and node.pk not in seen:
        if node.pk == claimant.pk:
            return True
        seen.add(node.pk)
        node = node.affiliation
    return False


def story_create(
    *, title: str, summary: str = "", place: str = "", started_on=None, ended_on=None, slug: str | None = None
) -> Story:
    title = _require_text(title, "title", "Title")
    if started_on and ended_on and ended_on < started_on:
        raise ServiceError("The story cannot end before it starts.", field="ended_on")
    return Story.objects.create(
        title=title,
        slug=slug or unique_slug(Story, title),
        summary=summary,
        place=place,
        started_on=started_on,
        ended_on=ended_on,
    )


# Claims -----------------------------------------------------------------------------------


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


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a write made against an older version of the row (None: the caller did not ask)."""
    if expected is None:
        return
    if int(expected) != current:
        raise StaleVersion(
            f"This {what} was changed by someone else since you opened it. Nothing was saved: "
            "review the values saved now, then save again.",
            current_version=current,
        )


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


def claim_check_status_change(
    *,
    claim: Claim,
    to_status: str,
    rationale: str,
    user=None,
    evidence_ids: Iterable[int] = (),
    changed_at: datetime | None = None,
) -> list[Evidence]:
    """Apply the table of confirmation states without writing: forms call it for early feedback.

    Returns the cited evidence. Raises InvalidTransition / NotAllowed with the field at fault.
    """
    if to_status not in Status.values:
        raise InvalidTransition(f"Unknown state {to_status!r}.", field="to_status")
    rule = TRANSITION_RULES[to_status]
    if not (rationale or "").strip():
        raise InvalidTransition("Every change of state needs a rationale.", field="rationale")
    if to_status in VERDICT_STATUSES and user is not None and not roles.can_give_verdict(user):
        raise NotAllowed(f"Setting “{Status(to_status).label}” needs a reviewer in this newsroom.", field="to_status")
    if claim.merged_into_id:
        raise InvalidTransition(
            "This claim was merged into another; change the state of that claim instead.", field="to_status"
        )
    if claim.status == to_status:
        raise InvalidTransition(f"The claim is already “{Status(to_status).label}”.", field="to_status")
    evidence_ids = sorted({int(pk) for pk in evidence_ids})
    evidence = list(Evidence.objects.filter(claim=claim, pk__in=evidence_ids))
    if len(evidence) != len(evidence_ids):
        raise InvalidTransition("Cited evidence must belong to this claim.", field="evidence")
    if rule.needs_evidence and not evidence:
        raise InvalidTransition(f"“{Status(to_status).label}” needs evidence: {rule.hint}", field="evidence")
    if rule.evidence_stance and not any(e.stance == rule.evidence_stance for e in evidence):
        raise InvalidTransition(
            f"“{Status(to_status).label}” needs at least one piece of evidence that "
            f"{EvidenceStance(rule.evidence_stance).label.lower()} the claim.",
            field="evidence",
        )
    if changed_at is not None:
        last = claim.status_changes.order_by("-changed_at", "-id").first()
        if last and changed_at < last.changed_at:
            raise InvalidTransition(
                "A change cannot be dated before the previous one; history only moves forward.", field="changed_at"
            )
    return evidence


def claim_change_status(
    *,
    claim_id: int,
    to_status: str,
    rationale: str,
    user=None,
    evidence_ids: Iterable[int] = (),
    expected_version: int | None = None,
    changed_at: datetime | None = None,
) -> StatusChange:
    """Move a claim to a new confirmation state, following the table of states.

    The claim row is locked while it changes, so two editors starting from the same version end
    with one change written and one StaleVersion error.
    """
    changed_at = changed_at or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        check_version(claim.version, expected_version, "claim")
        evidence = claim_check_status_change(
            claim=claim,
            to_status=to_status,
            rationale=rationale,
            user=user,
            evidence_ids=evidence_ids,
            changed_at=changed_at,
        )
        change = StatusChange.objects.create(
            claim=claim,
            from_status=claim.status,
            to_status=to_status,
            rationale=rationale.strip(),
            changed_by=user,
            changed_at=changed_at,
        )
        if evidence:
            change.evidence.set(evidence)
        claim.status = to_status
        claim.status_changed_at = changed_at
        claim.status_changed_by = user
        claim.version += 1
        claim._history_user = user
        claim.save(update_fields=["status", "status_changed_at", "status_changed_by", "version", "updated_at"])
        transaction.on_commit(
            lambda: signals.status_changed.send(sender=Claim, claim_id=claim.pk, status_change_id=change.pk)
        )
    return change


def claim_merge(*, source_id: int, target_id: int, user=None, expected_version: int | None = None) -> Claim:
    """Mark `source` as the same as `target`: its appearances, evidence and relations move over.

    Both histories stay: the source keeps its status history and now redirects to the target.
    """
    if source_id == target_id:
        raise ServiceError("A claim cannot be merged into itself.", field="target")
    with transaction.atomic():
        # Lock both rows in id order so two merges cannot deadlock.
        locked = {
            c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")
        }
        if len(locked) != 2:
            raise ServiceError("Both claims must exist.", field="target")
        source, target = locked[source_id], locked[target_id]
        check_version(source.version, expected_version, "claim")
        if source.merged_into_id:
            raise ServiceError("This claim was already merged.", field="target")
        if target.merged_into_id:
            raise ServiceError("The target claim was itself merged; merge into the claim it points to.", field="target")
        Appearance.objects.filter(claim=source).update(claim=target)
        Evidence.objects.filter(claim=source).update(claim=target)
        for relation in ClaimRelation.objects.filter(from_claim=source).exclude(to_claim=target):
            if not ClaimRelation.objects.filter(
                from_claim=target, to_claim=relation.to_claim, kind=relation.kind
            ).exists():
                ClaimRelation.objects.filter(pk=relation.pk).update(from_claim=target)
        for relation in ClaimRelation.objects.filter(to_claim=source).exclude(from_claim=target):
            if not ClaimRelation.objects.filter(
                from_claim=relation.from_claim, to_claim=target, kind=relation.kind
            ).exists():
                ClaimRelation.objects.filter(pk=relation.pk).update(to_claim=target)
        try:
            ClaimRelation.objects.get_or_create(
                from_claim=source, to_claim=target, kind=RelationKind.SAME_AS, defaults={"created_by": user}
            )
        except IntegrityError as exc:  # pragma: no cover - guarded by the checks above
            raise ServiceError("Could not record the merge.") from exc
        target.stories.add(*source.stories.all())
        source.merged_into = target
        source.version += 1
        source._history_user = user
        source.save(update_fields=["merged_into", "version", "updated_at"])
        target.version += 1
        target._history_user = user
        target.save(update_fields=["version", "updated_at"])
        claim_refresh_search(claim_id=target.pk)
    return target


# Search -----------------------------------------------------------------------------------


def claim_refresh_search(*, claim_id: int) -> None:
    """Rebuild the text that search reads besides the statement: claimant names and quotes.

    On PostgreSQL a trigger (migration 0002) turns it into the weighted tsvector.
    """
    claim = Claim.objects.select_related("claimant").get(pk=claim_id)
    parts = [claim.claimant.name]
    parts += list(claim.claimant.aliases.values_list("alias", flat=True))
    for speaker, quote in claim.appearances.values_list("speaker__name", "quote"):
        parts += [speaker or "", quote or ""]
    document = normalize_whitespace(" ".join(dict.fromkeys(p for p in parts if p)))
    Claim.objects.filter(pk=claim_id).update(search_document=document)


def claimant_refresh_search(*, claimant_id: int) -> None:
    """Rebuild the search text of every claim by this claimant (after a name or alias change)."""
    for claim_id in Claim.objects.filter(claimant_id=claimant_id).values_list("pk", flat=True):
        claim_refresh_search(claim_id=claim_id)
