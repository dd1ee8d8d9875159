"""Editors open an archived copy: rendered inert (see inert.py), or the WARC file itself."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from claims_tracker.accounts.decorators import editor_required

from . import inert, services
from .models import ArchiveRecord


@require_GET
@editor_required
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ArchiveRecord, pk=pk)
    try:
        payload = services.record_payload(record)
    except (OSError, ValueError) as exc:
        raise Http404(f"The archived copy cannot be read: {exc}") from None
    body = inert.inert_body(payload)
    if body is None:
        return record_warc(request, pk)
    response = render(request, "archive/record_view.html", {"record": record, "body": body})
    response["Content-Security-Policy"] = inert.CSP
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@editor_required
def record_warc(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ArchiveRecord, pk=pk)
    try:
        handle = services.archive_storage().open(record.file_name, "rb")
    except OSError:
        raise Http404("The archived file is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=f"{record.sha256}.warc.gz")
    response["Content-Type"] = "application/warc"
    response["Content-Security-Policy"] = inert.CSP
    return response
