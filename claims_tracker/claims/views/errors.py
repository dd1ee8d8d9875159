"""400, 404 and 500 in the site's look; a 400 under /api/ in the API's JSON error shape."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it refuses before any view (too many fields, a NUL in the address...)."""
    if request.path.startswith("/api/"):
        from claims_tracker.api.errors import error_body

        message = str(exception) if exception else "The request is malformed."
        return JsonResponse(error_body("malformed_request", message), status=400)
    return render(request, "400.html", status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be the database, and context processors
    # (the session behind `user`) would fail again while rendering the apology.
    try:
        body = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the apology must not fail too (e.g. a missing static manifest)
        body = FALLBACK_500
    return HttpResponseServerError(body)


FALLBACK_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
    "<h1>Something went wrong on our side</h1><p>The error has been logged. Nothing you saved was lost. "
    '<a href="/">Back to all claims</a>.</p></html>'
)
