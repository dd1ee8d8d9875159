"""The team panels as the desk's views render them: a claim's (assignment, follow, notes), and the triage
pages' (who has a candidate group or a lone candidate)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import reverse

from claims_tracker.claims.models import Claim
from claims_tracker.ingest.models import Candidate, CandidateGroup

from . import selectors
from .forms import AssignForm, NoteForm


def team_panel(
    request: HttpRequest, claim: Claim, *, assign_form: forms.Form | None = None, note_form: forms.Form | None = None
) -> dict:
    team = selectors.claim_team(claim, request.user)
    if assign_form is None:
        current = team["assignment"].assignee_id if team["assignment"] else ""
        assign_form = AssignForm(initial={"assignee": current}, editors=team["editors"], prefix="assign")
    return {"team": team, "assign_form": assign_form, "note_form": note_form or NoteForm(prefix="note")}


def _assignment_of(obj) -> object | None:
    """The reverse one-to-one, as the desk's selectors read it (select_related): None when there is none."""
    try:
        return obj.assignment
    except ObjectDoesNotExist:
        return None


def triage_panel(
    *,
    group: CandidateGroup | None = None,
    candidate: Candidate | None = None,
    assign_form: forms.Form | None = None,
    open_work: bool = True,
    back: str = "",
) -> dict:
    """Who has the triage work on a group page or a lone candidate's triage page, and the form to change it.
    A candidate in a group is assigned with its group: the panel then names the group's assignee.
    `back`: the page the panel is on, where the form lands after saving (a member's triage page, say)."""
    target = group if group is not None else candidate
    assignment = _assignment_of(target)
    if assign_form is None:
        assign_form = AssignForm(
            initial={"assignee": assignment.assignee_id if assignment else ""},
            editors=selectors.editors(),
            prefix="assign",
        )
    if group is not None:
        url = reverse("teamwork-group-assign", args=[group.pk])
        page = reverse("desk-group", args=[group.pk])
        label = "this group"
    else:
        url = reverse("teamwork-candidate-assign", args=[candidate.pk])
        page = reverse("desk-triage", args=[candidate.pk])
        label = "this candidate"
    return {
        "triage_team": {
            "assignment": assignment,
            "form": assign_form,
            "url": url,
            "label": label,
            "open": open_work,
            "back": (back or page) + "#team",
        }
    }
