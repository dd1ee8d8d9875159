"""Change a claim's state, and merge duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from claims_tracker.accounts import roles
from claims_tracker.claims import services as claims
from claims_tracker.claims.models import VERDICT_STATUSES, Claim, Status
from claims_tracker.claims.services import TRANSITION_RULES, ServiceError, StaleVersion
from claims_tracker.desk import history, selectors, services
from claims_tracker.desk.forms.claims import MergeForm, StatusForm

from .base import apply_error, editor_required, next_url, rebind
from .claims import _not_merged, get_claim

# The new-evidence sub-form's fields, as the evidence service names them.
NEW_EVIDENCE_FIELDS = {"summary": "new_summary", "url": "new_url", "stance": "new_stance", "kind": "new_kind"}


def _requirements(user) -> list[dict]:
    """What each target state needs, as the form states it next to the choice."""
    reviewer_only = not roles.can_give_verdict(user)
    rows = []
    for value, label in Status.choices:
        rule = TRANSITION_RULES[value]
        rows.append(
            {
                "value": value,
                "label": label,
                # The rule's own words, so the page and the service's refusal say the same thing.
                "needs": rule.hint[:1].lower() + rule.hint[1:],
                "needs_evidence": rule.needs_evidence,
                "reviewer_only": reviewer_only and value in VERDICT_STATUSES,
            }
        )
    return rows


def _render_status(request, claim: Claim, form: StatusForm, *, stale: dict | None = None, status: int = 200):
    requirements = {row["value"]: row for row in _requirements(request.user)}
    choices = [(bound, requirements[bound.data["value"]]) for bound in form["to_status"]]
    context = {"claim": claim, "form": form, "choices": choices, "stale": stale}
    return render(request, "desk/claim_status.html", context, status=status)


@require_http_methods(["GET", "POST"])
@editor_required
def claim_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    if request.method == "GET":
        # A suggestion (a fact-check accepted, say) may pre-fill the change: the editor still decides.
        initial = {
            "version": claim.version,
            "to_status": request.GET.get("to", ""),
            "evidence": request.GET.getlist("evidence"),
            "rationale": request.GET.get("rationale", "")[:1000],
        }
        return _render_status(request, claim, StatusForm(initial=initial, claim=claim))
    form = StatusForm(request.POST, claim=claim)
    if not form.is_valid():
        return _render_status(request, claim, form, status=400)
    data = form.cleaned_data
    try:
        services.claim_change_status_with_evidence(
            claim_id=claim.pk,
            expected_version=data["version"],
            to_status=data["to_status"],
            rationale=data["rationale"],
            user=request.user,
            evidence_ids=[int(pk) for pk in data["evidence"]],
            new_evidence=form.new_evidence(),
            changed_at=data["changed_at"],
        )
    except StaleVersion as exc:
        fresh = get_claim(pk)
        stale = {"message": exc.message, "revisions": history.revisions(fresh, since_version=data["version"])}
        form = rebind(StatusForm, request.POST, exc.current_version, claim=fresh)
        return _render_status(request, fresh, form, stale=stale, status=409)
    except ServiceError as exc:
        aliases = NEW_EVIDENCE_FIELDS if form.new_evidence() and exc.field in NEW_EVIDENCE_FIELDS else {}
        apply_error(form, exc, aliases)
        return _render_status(request, claim, form, status=400)
    messages.success(request, f"Claim #{claim.pk} is now “{Status(data['to_status']).label}”.")
    return redirect(next_url(request, reverse("desk-claim-edit", args=[claim.pk])))


@require_http_methods(["GET", "POST"])
@editor_required
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim(pk)
    if (moved := _not_merged(request, claim)) is not None:
        return moved
    form = MergeForm(request.POST or None, initial={"version": claim.version, "target": request.GET.get("into", "")})
    stale, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            target = form.cleaned_data["chosen"]
            try:
                claims.claim_merge(
                    source_id=claim.pk,
                    target_id=target.pk,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion as exc:
                fresh = get_claim(pk)
                stale = {
                    "message": exc.message,
                    "revisions": history.revisions(fresh, since_version=form.cleaned_data["version"]),
                }
                form, claim, status = rebind(MergeForm, request.POST, exc.current_version), fresh, 409
            except ServiceError as exc:
                apply_error(form, exc)
            else:
                messages.success(
                    request, f"Claim #{claim.pk} merged into #{target.pk}; its page now points readers here."
                )
                return redirect("desk-claim-edit", pk=target.pk)
    suggestions = selectors.similar_claims(claim, limit=6)
    context = {"claim": claim, "form": form, "suggestions": suggestions, "stale": stale}
    return render(request, "desk/claim_merge.html", context, status=status)
