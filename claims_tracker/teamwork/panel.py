"""The team panel on a claim's desk page (assignment, follow, notes), as the desk's view renders it."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from claims_tracker.claims.models import Claim

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
