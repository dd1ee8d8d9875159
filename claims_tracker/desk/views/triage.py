"""Triage one candidate at a time: accept, attach to an existing claim, or reject."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.claims.models import EvidenceKind
from claims_tracker.claims.services import ServiceError
from claims_tracker.desk import selectors, services
from claims_tracker.desk.forms.triage import AcceptForm, AttachForm, RejectForm
from claims_tracker.ingest.claim_matching import candidate_matches
from claims_tracker.ingest.models import Candidate, CandidateState
from claims_tracker.teamwork.panel import triage_panel

from .base import apply_error, editor_required, next_url


def get_candidate(pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.select_related(
            "article",
            "article__outlet",
            "claimant",
            "claim",
            "decided_by",
            "assignment__assignee",
            "assignment__assigned_by",
        ),
        pk=pk,
    )


def _next_new(after: Candidate | None = None) -> Candidate | None:
    """The next untriaged candidate: the rest of this article first, then the first of the newest
    article's (the report on top of the desk's queue, which orders them the same way)."""
    new = Candidate.objects.filter(state=CandidateState.NEW)
    if after is not None:
        same = new.filter(article_id=after.article_id).exclude(pk=after.pk).order_by("start_offset", "id").first()
        if same:
            return same
    newest = new.order_by("-created_at", "-article_id").values("article_id")[:1]
    return new.filter(article_id=Subquery(newest)).order_by("start_offset", "id").first()


@require_GET
@editor_required
def triage_next(request: HttpRequest) -> HttpResponse:
    article_id = request.GET.get("article")
    qs = Candidate.objects.filter(state=CandidateState.NEW)
    if article_id and article_id.isdigit():
        candidate = qs.filter(article_id=int(article_id)).order_by("start_offset", "id").first()
    else:
        candidate = _next_new()
    if candidate:
        return redirect("desk-triage", pk=candidate.pk)
    return render(request, "desk/triage_empty.html")


def render_triage(
    request: HttpRequest,
    candidate: Candidate,
    *,
    accept: forms.Form | None = None,
    attach: forms.Form | None = None,
    reject: forms.Form | None = None,
    active: str = "",
    assign: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """The candidate's triage page; `assign`: the team panel's bound form when an assignment was refused."""
    siblings = list(
        Candidate.objects.filter(article_id=candidate.article_id)
        .order_by("start_offset", "id")
        .values_list("pk", "state")
    )
    ids = [pk for pk, _ in siblings]
    index = ids.index(candidate.pk)
    suggestions = candidate_matches(candidate)
    group = selectors.group_get(candidate.group_id) if candidate.group_id else None
    context = {
        "group": group,
        "evidence_kinds": EvidenceKind.choices,
        "bearings": selectors.candidate_bearings(candidate) if candidate.state == CandidateState.NEW else [],
        "candidate": candidate,
        "article": candidate.article,
        "accept_form": accept or AcceptForm(initial=AcceptForm.initial_for(candidate), prefix="a"),
        "attach_form": attach or AttachForm(initial=AttachForm.initial_for(candidate), prefix="m"),
        "reject_form": reject or RejectForm(prefix="r"),
        "reject_reasons": RejectForm.REASONS,
        "suggestions": suggestions,
        "active": active,
        "position": index + 1,
        "count": len(ids),
        "remaining": sum(1 for _, state in siblings if state == CandidateState.NEW),
        "prev_id": ids[index - 1] if index > 0 else None,
        "next_id": ids[index + 1] if index + 1 < len(ids) else None,
        "is_new": candidate.state == CandidateState.NEW,
        **(
            triage_panel(
                group=group,
                assign_form=assign,
                open_work=bool(group.new_members),
                back=reverse("desk-triage", args=[candidate.pk]),
            )
            if group is not None
            else triage_panel(
                candidate=candidate,
                assign_form=assign,
                open_work=candidate.state == CandidateState.NEW,
                back=reverse("desk-triage", args=[candidate.pk]),
            )
        ),
    }
    return render(request, "desk/triage.html", context, status=status)


@require_GET
@editor_required
def triage_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    return render_triage(request, get_candidate(pk))


def _after_decision(request: HttpRequest, candidate: Candidate) -> HttpResponse:
    following = _next_new(candidate)
    if following is None:
        messages.info(request, "The triage queue is empty. Well done.")
        return redirect(next_url(request, reverse("desk-home")))
    return redirect(next_url(request, reverse("desk-triage", args=[following.pk])))


def _refused(request: HttpRequest, candidate: Candidate, exc: ServiceError, **forms_and_active) -> HttpResponse:
    if exc.field is None:
        messages.error(request, exc.message)
    return render_triage(request, get_candidate(candidate.pk), status=400, **forms_and_active)


@require_POST
@editor_required
def triage_accept(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_candidate(pk)
    form = AcceptForm(request.POST, prefix="a")
    if not form.is_valid():
        return render_triage(request, candidate, accept=form, active="accept", status=400)
    data = form.cleaned_data
    try:
        claim = services.candidate_accept(
            candidate_id=candidate.pk,
            user=request.user,
            text=data["text"],
            claimant=data["claimant"],
            new_claimant_name=data["new_claimant_name"],
            stance=data["stance"],
            quote=data["quote"],
            verb=data["verb"],
            mode=data["mode"],
            stories=data["stories"],
        )
    except ServiceError as exc:
        apply_error(form, exc)
        return _refused(request, candidate, exc, accept=form, active="accept")
    messages.success(request, f"Accepted as claim #{claim.pk}: “{Truncator(claim.text).words(14)}”.")
    return _after_decision(request, candidate)


@require_POST
@editor_required
def triage_attach(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_candidate(pk)
    form = AttachForm(request.POST, prefix="m")
    if not form.is_valid():
        return render_triage(request, candidate, attach=form, active="attach", status=400)
    data = form.cleaned_data
    try:
        services.candidate_attach(
            candidate_id=candidate.pk,
            claim=data["chosen"],
            user=request.user,
            speaker=data["speaker"],
            stance=data["stance"],
            quote=data["quote"],
            verb=data["verb"],
        )
    except ServiceError as exc:
        apply_error(form, exc)
        return _refused(request, candidate, exc, attach=form, active="attach")
    messages.success(request, f"Attached to claim #{data['chosen'].pk} as a new appearance.")
    return _after_decision(request, candidate)


@require_POST
@editor_required
def triage_reject(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_candidate(pk)
    form = RejectForm(request.POST, prefix="r")
    if not form.is_valid():
        return render_triage(request, candidate, reject=form, active="reject", status=400)
    try:
        services.candidate_reject(candidate_id=candidate.pk, user=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        apply_error(form, exc)
        return _refused(request, candidate, exc, reject=form, active="reject")
    messages.success(request, "Rejected.")
    return _after_decision(request, candidate)
