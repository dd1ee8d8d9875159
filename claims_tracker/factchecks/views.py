"""The desk's fact-checks found: a list to act on, one click to make one Evidence, or dismiss."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.accounts.decorators import editor_required
from claims_tracker.claims.models import EvidenceStance, Status
from claims_tracker.claims.services import ServiceError

from . import selectors, services
from .models import FactCheckState


@require_GET
@editor_required
def factcheck_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", FactCheckState.NEW)
    if state not in FactCheckState.values:
        state = FactCheckState.NEW
    article = request.GET.get("article", "")
    rows = selectors.factcheck_list(state=state, article_id=int(article) if article.isdigit() else None)
    for row in rows:
        row.verdict = services.verdict_of(row)
    context = {"rows": rows, "state": state, "states": FactCheckState.choices, "stances": EvidenceStance.choices}
    return render(request, "factchecks/factcheck_list.html", context)


@require_POST
@editor_required
def factcheck_accept(request: HttpRequest, pk: int) -> HttpResponse:
    claim_id = request.POST.get("claim", "")
    try:
        if not claim_id.isdigit():
            raise ServiceError("Choose one of our claims for this fact-check.", field="claim")
        factcheck, verdict = services.factcheck_accept(
            factcheck_id=pk, claim_id=int(claim_id), stance=request.POST.get("stance", ""), user=request.user
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("factchecks-list"))
    claim = factcheck.claim
    messages.success(request, f"The fact-check is now evidence on claim #{claim.pk}.")
    if verdict is None or verdict.status == claim.status:
        return redirect(reverse("desk-claim-edit", args=[claim.pk]) + "#evidence")
    # Suggest the state change: the status page, pre-filled; nothing changes until the editor confirms.
    query = urlencode(
        {
            "to": verdict.status,
            "evidence": factcheck.evidence_id,
            "rationale": f"{factcheck.reviewer or 'A fact-checker'} rated it “{factcheck.rating_name}”"
            f"{f' ({factcheck.scale})' if factcheck.scale else ''}.",
        }
    )
    messages.info(request, f"Its rating suggests “{Status(verdict.status).label}”: check and confirm below.")
    return redirect(reverse("desk-claim-status", args=[claim.pk]) + "?" + query)


@require_POST
@editor_required
def factcheck_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.factcheck_dismiss(factcheck_id=pk, user=request.user)
        messages.success(request, "Fact-check dismissed.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("factchecks-list"))
