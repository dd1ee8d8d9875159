"""Changes of a claim's confirmation state, by the table of states in DESIGN.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims_tracker.accounts import roles

from .. import signals
from ..models import VERDICT_STATUSES, Claim, Evidence, EvidenceStance, Status, StatusChange
from .common import InvalidTransition, NotAllowed, StateConflict, check_version


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


def evidence_problem(to_status: str, stances: Iterable[str]) -> str | None:
    """What the cited evidence (given by the stances it takes) lacks for `to_status`, or None.
    The desk's form asks it too, so an editor sees this beside any other problem in one go."""
    rule = TRANSITION_RULES[to_status]
    stances = set(stances)
    if rule.needs_evidence and not stances:
        return f"“{Status(to_status).label}” needs evidence: {rule.hint}"
    if rule.evidence_stance and rule.evidence_stance not in stances:
        return (
            f"“{Status(to_status).label}” needs at least one piece of evidence that "
            f"{EvidenceStance(rule.evidence_stance).label.lower()} the claim."
        )
    return None


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
    if not (rationale or "").strip():
        raise InvalidTransition("Every change of state needs a rationale.", field="rationale")
    if to_status in VERDICT_STATUSES and user is not None and not roles.can_give_verdict(user):
        raise NotAllowed(f"Setting “{Status(to_status).label}” needs a reviewer in this newsroom.", field="to_status")
    if claim.merged_into_id:
        raise StateConflict(
            "This claim was merged into another; change the state of that claim instead.", field="to_status"
        )
    if claim.status == to_status:
        raise StateConflict(f"The claim is already “{Status(to_status).label}”.", field="to_status")
    evidence_ids = sorted({int(pk) for pk in evidence_ids})
    evidence = list(Evidence.objects.filter(claim=claim, pk__in=evidence_ids))
    if len(evidence) != len(evidence_ids):
        raise InvalidTransition("Cited evidence must belong to this claim.", field="evidence")
    if problem := evidence_problem(to_status, {e.stance for e in evidence}):
        raise InvalidTransition(problem, field="evidence")
    if changed_at is not None:
        skew = settings.CLAIMS_CHANGED_AT_MAX_SKEW_SECONDS
        if changed_at > timezone.now() + timedelta(seconds=skew):
            raise InvalidTransition(
                f"A change cannot be dated in the future (more than {skew} seconds past now).", field="changed_at"
            )
        last = claim.status_changes.order_by("-changed_at", "-id").first()
        if last and changed_at < last.changed_at:
            raise StateConflict(
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
