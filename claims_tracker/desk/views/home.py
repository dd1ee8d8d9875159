"""The desk: the editor's start page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims_tracker.desk import selectors

from .base import editor_required


@require_GET
@editor_required
def desk_home(request: HttpRequest) -> HttpResponse:
    context = {
        "queue": selectors.triage_queue(),
        "groups": selectors.triage_groups(),
        "queue_total": selectors.triage_total(),
        "awaiting": selectors.awaiting_verdict(),
        "activity": selectors.recent_changes(exclude_user=request.user),
        "failing_feeds": selectors.failing_feeds(),
    }
    return render(request, "desk/home.html", context)
