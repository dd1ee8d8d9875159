"""Domain signals -> activity rows and followers' notifications. Connected in TeamworkConfig.ready().

The signals are sent after the editor's transaction committed: a problem here is logged and never
turns their saved change into an error page (as the webhook receivers do).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from claims_tracker.claims.models import Appearance, Claim, Evidence, Status, StatusChange
from claims_tracker.ingest.models import Candidate, CandidateState

from .models import Verb
from .services import activity_record, triage_done

log = logging.getLogger(__name__)

CANDIDATE_VERBS = {
    CandidateState.ACCEPTED: Verb.CANDIDATE_ACCEPTED,
    CandidateState.MERGED: Verb.CANDIDATE_ATTACHED,
    CandidateState.REJECTED: Verb.CANDIDATE_REJECTED,
}


def _safely(what: str, record) -> None:
    try:
        with transaction.atomic():
            record()
    except Exception:
        log.exception("could not record team activity for %s", what)


def on_status_changed(sender: Any, *, claim_id: int, status_change_id: int, **kwargs: Any) -> None:
    def record() -> None:
        change = StatusChange.objects.select_related("claim", "changed_by").filter(pk=status_change_id).first()
        if change is None or not change.from_status:
            return  # a claim's first entry is its creation, not a change
        detail = f"{Status(change.from_status).label} → {Status(change.to_status).label}"
        activity_record(actor=change.changed_by, verb=Verb.STATUS_CHANGED, claim=change.claim, detail=detail)

    _safely(f"status change {status_change_id}", record)


def on_appearance_added(sender: Any, *, claim_id: int, appearance_id: int, **kwargs: Any) -> None:
    def record() -> None:
        appearance = Appearance.objects.select_related("created_by", "article__outlet").filter(pk=appearance_id).first()
        if appearance is None:
            return
        article = appearance.article
        detail = f"in “{str(article)[:120]}”" + (f" ({article.outlet.name})" if article.outlet_id else "")
        claim = Claim.objects.only("pk").get(pk=claim_id)
        activity_record(
            actor=appearance.created_by,
            verb=Verb.APPEARANCE_ADDED,
            claim=claim,
            article_id=article.pk,
            detail=detail,
        )

    _safely(f"appearance {appearance_id}", record)


def on_evidence_added(sender: Any, *, claim_id: int, evidence_id: int, **kwargs: Any) -> None:
    def record() -> None:
        evidence = Evidence.objects.select_related("added_by").filter(pk=evidence_id).first()
        if evidence is None:
            return
        detail = f"{evidence.get_stance_display()}: {evidence.summary[:200]}"
        claim = Claim.objects.only("pk").get(pk=claim_id)
        activity_record(actor=evidence.added_by, verb=Verb.EVIDENCE_ADDED, claim=claim, detail=detail)

    _safely(f"evidence {evidence_id}", record)


def on_candidate_decided(sender: Any, *, candidate_id: int, **kwargs: Any) -> None:
    """Record the decision; if it finished assigned triage work, drop that assignment and tell whoever gave
    it out (the assignee and they follow the claim it became, to hear of its verdict)."""

    def record() -> None:
        candidate = Candidate.objects.select_related("decided_by", "claim").filter(pk=candidate_id).first()
        if candidate is None or candidate.state not in CANDIDATE_VERBS:
            return
        _finished, notify = triage_done(candidate=candidate)
        detail = f"“{candidate.statement[:160]}” ({candidate.speaker_text[:60] or 'no speaker'})"
        if candidate.reject_reason:
            detail += f": {candidate.reject_reason[:80]}"
        activity_record(
            actor=candidate.decided_by,
            verb=CANDIDATE_VERBS[candidate.state],
            claim=candidate.claim,
            article_id=candidate.article_id,
            detail=detail,
            notify=notify,
        )

    _safely(f"candidate {candidate_id}", record)
