"""Readers see the site's own 404 page even when DEBUG is on.

With DEBUG on (the default of `make run`), Django answers a missing page with its technical 404:
a developer's page, 980 px wide on a phone, listing every URL pattern. On reader URLs this
middleware swaps it for templates/404.html (the page readers get in production). The editors'
and developers' paths keep Django's page, and so does any reader URL asked with `?debug`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .views.errors import page_not_found

DEVELOPER_PATHS = ("/admin/", "/api/", "/desk/", "/accounts/", "/static/")


class ReaderNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(DEVELOPER_PATHS)
            and "debug" not in request.GET
        ):
            return page_not_found(request)
        return response
