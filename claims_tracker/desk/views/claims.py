"""Claim pages: list, log by hand, edit (with relations, appearances, evidence), history."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims_tracker.claims import selectors as claim_selectors
from claims_tracker.claims import services as claims
from claims_tracker.claims.models import Claim, Status
from claims_tracker.claims.services import ServiceError, StaleVersion
from claims_tracker.desk import history, selectors
from claims_tracker.desk.forms.claims import AppearanceForm, ClaimEditForm, ClaimForm, EvidenceForm, RelationForm
from claims_tracker.teamwork.panel import team_panel

from .base import apply_error, differences, editor_required, next_url, rebind


def get_claim(pk: int) -> Claim:
    get_object_or_404(Claim.objects.only("pk"), pk=pk)
    return claim_selectors.claim_get(pk=pk)


@require_GET
@editor_required
def claim_list(request: HttpRequest) -> HttpResponse:
    query, status = request.GET.get("q", ""), request.GET.get("status", "")
    claims_page = selectors.desk_claims(query=query, status=status, with_assignee=True)
    return render(
        request,
        "desk/claim_list.html",
        {"claims": claims_page, "q": query, "status": status, "statuses": Status.choices},
    )


@require_http_methods(["GET", "POST"])
@editor_required
def claim_create(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claims.claim_create(
                text=data["text"],
                claimant=data["claimant"],
                claimed_at=data["claimed_at"],
                stories=data["stories"],
                created_by=request.user,
            )
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Claim #{claim.pk} logged. Add where it appeared and its evidence below.")
            return redirect("desk-claim-edit", pk=claim.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/claim_create.html", {"form": form}, status=status)


def render_edit(
    request: HttpRequest,
    claim: Claim,
    *,
    form: forms.Form | None = None,
    relation_form: forms.Form | None = None,
    appearance_form: forms.Form | None = None,
    evidence_form: forms.Form | None = None,
    stale: dict | None = None,
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    """The claim's desk page; `extra` carries the team panel's bound forms (teamwork.views)."""
    relations = [(r.get_kind_display(), r.to_claim, r, "out") for r in claim.relations_out.all()] + [
        (r.get_kind_display(), r.from_claim, r, "in") for r in claim.relations_in.all()
    ]
    context = {
        "claim": claim,
        "form": form or ClaimEditForm(initial=ClaimEditForm.initial_for(claim)),
        "relation_form": relation_form or RelationForm(prefix="rel"),
        "appearance_form": appearance_form or AppearanceForm(prefix="app"),
        "evidence_form": evidence_form or EvidenceForm(prefix="ev"),
        "relations": relations,
        "revisions": history.revisions(claim),
        "suggestions": selectors.similar_claims(claim, limit=5),
        "recent_claims": selectors.recent_claims(),
        "recent_reports": selectors.recent_reports(),
        "stale": stale,
        **team_panel(request, claim, **(extra or {})),
    }
    return render(request, "desk/claim_edit.html", context, status=status)


def _not_merged(request: HttpRequest, claim: Claim) -> HttpResponse | None:
    if claim.merged_into_id:
        messages.info(request, f"Claim #{claim.pk} was merged into this one; its page now points readers here.")
        return redirect("desk-claim-edit", pk=claim.merged_into_id)
    return None


@require_http_methods(["GET", "POST"])
@editor_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    if request.method == "GET":
        return render_edit(request, claim)
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return render_edit(request, claim, form=form, status=400)
    data = form.cleaned_data
    fields = {"text": data["text"], "claimant": data["claimant"], "stories": list(data["stories"])}
    # The date field shows minutes only: an untouched field must not erase the seconds.
    if data["claimed_at"] != claim.claimed_at.replace(second=0, microsecond=0):
        fields["claimed_at"] = data["claimed_at"]
    try:
        claims.claim_update(claim_id=claim.pk, expected_version=data["version"], user=request.user, **fields)
    except StaleVersion as exc:
        fresh = get_claim(pk)
        saved = ClaimEditForm.initial_for(fresh)
        saved["claimant"], saved["stories"] = fresh.claimant, list(fresh.stories.all())
        stale = {
            "message": exc.message,
            "revisions": history.revisions(fresh, since_version=data["version"]),
            "differences": differences(form, saved),
        }
        form = rebind(ClaimEditForm, request.POST, exc.current_version)
        return render_edit(request, fresh, form=form, stale=stale, status=409)
    except ServiceError as exc:
        apply_error(form, exc)
        return render_edit(request, claim, form=form, status=400)
    messages.success(request, "Claim saved.")
    return redirect(next_url(request, reverse("desk-claim-edit", args=[claim.pk])))


@require_POST
@editor_required
def claim_relate(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = RelationForm(request.POST, prefix="rel")
    if form.is_valid():
        data = form.cleaned_data
        try:
            claims.claim_relate(
                from_claim=claim, to_claim=data["other"], kind=data["kind"], note=data["note"], user=request.user
            )
        except ServiceError as exc:
            apply_error(form, exc, {"to_claim": "other"})
        else:
            label = dict(form.fields["kind"].choices)[data["kind"]].lower()
            messages.success(request, f"Recorded: this claim {label} claim #{data['other'].pk}.")
            return redirect(next_url(request, reverse("desk-claim-edit", args=[claim.pk]) + "#relations"))
    return render_edit(request, claim, relation_form=form, status=400)


@require_POST
@editor_required
def claim_appearance_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = AppearanceForm(request.POST, prefix="app")
    if form.is_valid():
        data = form.cleaned_data
        try:
            claims.appearance_add(
                claim=claim,
                article=data["article"],
                speaker=data["speaker"] or claim.claimant,
                stance=data["stance"],
                mode=data["mode"],
                verb=data["verb"],
                quote=data["quote"],
                is_paraphrase=data["is_paraphrase"],
                created_by=request.user,
            )
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Appearance in “{data['article']}” added.")
            return redirect(next_url(request, reverse("desk-claim-edit", args=[claim.pk]) + "#appearances"))
    return render_edit(request, claim, appearance_form=form, status=400)


@require_POST
@editor_required
def claim_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = EvidenceForm(request.POST, prefix="ev")
    if form.is_valid():
        data = form.cleaned_data
        try:
            claims.evidence_add(
                claim=claim,
                url=data["url"],
                kind=data["kind"],
                stance=data["stance"],
                summary=data["summary"],
                added_by=request.user,
            )
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "Evidence added. Cite it when you change the claim's state.")
            return redirect(next_url(request, reverse("desk-claim-edit", args=[claim.pk]) + "#evidence"))
    return render_edit(request, claim, evidence_form=form, status=400)
