"""The WebSub callback (/websub/<token>/): the hub's verification of intent (GET) and its pushes (POST).

Public by nature (the hub is not logged in): the unguessable token names the subscription, and every push is
checked against the subscription's secret (ingest/websub.py). Answers are plain text for the hub's challenge and
the project's JSON error shape (`{"error": {"code", "message", "fields"}}`) otherwise.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import websub


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@csrf_exempt  # a hub posts from another site, signed with the subscription's secret instead
@require_http_methods(["GET", "POST"])
def websub_callback(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        challenge = websub.websub_verify(token=token, params=request.GET)
        if challenge is None:
            return _error(404, "not_found", "No subscription of ours matches this verification.")
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "payload_too_large", "The pushed content is larger than the server accepts.")
    push = websub.websub_receive(
        token=token,
        body=body,
        content_type=request.content_type or "",
        signature=request.headers.get("X-Hub-Signature", ""),
    )
    if push is None:
        return _error(404, "not_found", "No subscription of ours has this callback.")
    # WebSub §8: a push that fails its check is acknowledged (2xx) and ignored, the same answer as a good one, so
    # a forger learns nothing; what was ignored and why is logged.
    return JsonResponse({"status": "received"}, status=202)
