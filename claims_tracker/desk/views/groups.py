"""Candidate groups (one statement reported by several outlets) and bearing suggestions on the desk."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from claims_tracker.claims.models import EvidenceKind, EvidenceStance
from claims_tracker.claims.services import ServiceError
from claims_tracker.desk import group_services, selectors
from claims_tracker.desk.forms.common import ClaimRefField, stories_field
from claims_tracker.desk.forms.triage import AcceptForm, claimant_name_from
from claims_tracker.ingest.claim_matching import candidate_matches
from claims_tracker.ingest.models import BearingSuggestion, CandidateGroup
from claims_tracker.teamwork.panel import triage_panel

from .base import apply_error, editor_required, next_url


class GroupAcceptForm(forms.Form):
    text = AcceptForm.base_fields["text"]
    claimant = AcceptForm.base_fields["claimant"]
    new_claimant_name = AcceptForm.base_fields["new_claimant_name"]
    stories = stories_field()

    def clean(self):
        data = super().clean()
        if not data.get("claimant") and not (data.get("new_claimant_name") or "").strip():
            self.add_error("claimant", "Choose who made the claim, or name a new claimant below.")
        return data


class GroupAttachForm(forms.Form):
    suggestion = ClaimRefField(required=False, widget=forms.HiddenInput)
    claim = ClaimRefField(
        required=False, label="…or another claim", help_text="Its number (e.g. 412) or the address of its page."
    )

    def clean(self):
        data = super().clean()
        chosen = data.get("claim") or data.get("suggestion")
        if chosen is None and not self.has_error("claim") and not self.has_error("suggestion"):
            self.add_error("claim", "Pick one of the suggested claims, or give a claim's number.")
        data["chosen"] = chosen
        return data


class BearingForm(forms.Form):
    stance = forms.ChoiceField(choices=EvidenceStance.choices, required=False)
    kind = forms.ChoiceField(choices=EvidenceKind.choices, initial=EvidenceKind.INDEPENDENT_REPORT)


def get_group(pk: int) -> CandidateGroup:
    group = selectors.group_get(pk)
    if group is None:
        raise Http404("No such group.")
    return group


def render_group(
    request: HttpRequest, group: CandidateGroup, *, accept=None, attach=None, assign=None, status: int = 200
) -> HttpResponse:
    """The group's page; `assign`: the team panel's bound form when an assignment was refused (teamwork.views)."""
    first = group.new_members[0] if group.new_members else None
    initial = {}
    if first is not None:
        initial = {
            "text": first.statement or first.sentence,
            "claimant": first.claimant,
            "new_claimant_name": "" if first.claimant_id else claimant_name_from(first.speaker_text),
        }
    context = {
        "group": group,
        "accept_form": accept or GroupAcceptForm(initial=initial, prefix="a"),
        "attach_form": attach or GroupAttachForm(prefix="m"),
        "suggestions": candidate_matches(first) if first is not None else [],
        **triage_panel(group=group, assign_form=assign, open_work=bool(group.new_members)),
    }
    return render(request, "desk/group_detail.html", context, status=status)


@require_GET
@editor_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_group(request, get_group(pk))


def _refused(request: HttpRequest, pk: int, exc: ServiceError, form: forms.Form, **forms_) -> HttpResponse:
    apply_error(form, exc)
    if exc.field is None:
        messages.error(request, exc.message)
    return render_group(request, get_group(pk), status=400, **forms_)


@require_POST
@editor_required
def group_accept(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group(pk)
    form = GroupAcceptForm(request.POST, prefix="a")
    if not form.is_valid():
        return render_group(request, group, accept=form, status=400)
    data = form.cleaned_data
    try:
        claim, members = group_services.group_accept(
            group_id=pk,
            user=request.user,
            text=data["text"],
            claimant=data["claimant"],
            new_claimant_name=data["new_claimant_name"],
            stories=data["stories"],
        )
    except ServiceError as exc:
        return _refused(request, pk, exc, form, accept=form)
    messages.success(
        request,
        f"Accepted as claim #{claim.pk}: “{Truncator(claim.text).words(14)}”, "
        f"with {len(members)} appearance{'s' if len(members) != 1 else ''}.",
    )
    return redirect(reverse("desk-claim-edit", args=[claim.pk]))


@require_POST
@editor_required
def group_attach(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group(pk)
    form = GroupAttachForm(request.POST, prefix="m")
    if not form.is_valid():
        return render_group(request, group, attach=form, status=400)
    claim = form.cleaned_data["chosen"]
    try:
        members = group_services.group_attach(group_id=pk, claim=claim, user=request.user)
    except ServiceError as exc:
        return _refused(request, pk, exc, form, attach=form)
    messages.success(request, f"Attached {len(members)} reports to claim #{claim.pk}, each as its own appearance.")
    return redirect(reverse("desk-claim-edit", args=[claim.pk]))


@require_POST
@editor_required
def group_split(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    group = get_group(pk)
    if candidate_pk not in {m.pk for m in group.all_members}:
        raise Http404("No such member in this group.")
    try:
        group_services.group_split(candidate_id=candidate_pk, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("desk-group", pk=pk)
    messages.success(request, "Split off the group; it is triaged on its own now.")
    return redirect("desk-group", pk=pk)


@require_POST
@editor_required
def bearing_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    suggestion = get_object_or_404(BearingSuggestion.objects.only("pk", "candidate_id", "claim_id"), pk=pk)
    back = next_url(request, reverse("desk-triage", args=[suggestion.candidate_id]))
    form = BearingForm(request.POST)
    try:
        if decision == "accept":
            if not form.is_valid():
                messages.error(request, "Choose a stance and a kind of evidence from the lists.")
                return redirect(back)
            group_services.bearing_accept(
                suggestion_id=pk, user=request.user, stance=form.cleaned_data["stance"], kind=form.cleaned_data["kind"]
            )
            messages.success(request, f"Added as evidence on claim #{suggestion.claim_id}.")
        else:
            group_services.bearing_dismiss(suggestion_id=pk, user=request.user)
            messages.success(request, "Dismissed.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(back)
