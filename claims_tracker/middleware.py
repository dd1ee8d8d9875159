"""Project-wide request guards that run before any view.

PostgreSQL text cannot hold a NUL character, so a `?q=%00` (or any parameter carrying one) that reached a
query ended as a DataError and a 500. No search, filter or cursor has a use for NUL: the request is refused
as a bad request (400) before a view sees it; `handler400` answers in the API's JSON shape under /api/.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        params = request.GET.lists()
        if "\x00" in request.path or any("\x00" in key + "".join(values) for key, values in params):
            raise BadRequest("The address contains a NUL character.")
        return self.get_response(request)
