"""One JSON error shape everywhere under /api/: unknown paths, wrong methods, crashes, throttling."""

from __future__ import annotations

import pytest

from claims_tracker.claims import selectors
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _is_error_shape(response) -> bool:
    body = response.json()
    return set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])


class TestErrors:
    def test_it_answers_unknown_paths_with_json_404(self, api):
        for path in ("/api/v1/nothing/", "/api/v2/claims/", "/api/v1/claims/abc/"):
            response = api.get(path, HTTP_ACCEPT="text/html")
            assert response.status_code == 404
            assert response["Content-Type"].startswith("application/json") and _is_error_shape(response)

    def test_it_answers_errors_in_json_even_to_a_browser(self, api):
        response = api.get("/api/v1/claims/", {"page_size": "0"}, HTTP_ACCEPT="text/html")
        assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
        assert _is_error_shape(response)

    def test_it_answers_a_crash_with_json_500_and_no_traceback(self, api, monkeypatch, settings):
        claim = ClaimFactory()

        def broken(*, pk):
            raise RuntimeError("database fell over with secret detail")

        monkeypatch.setattr(selectors, "claim_get", broken)
        for debug in (False, True):
            settings.DEBUG = debug
            response = api.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT="text/html")
            assert response.status_code == 500 and _is_error_shape(response)
            assert "secret detail" not in response.content.decode() and "Traceback" not in response.content.decode()

    def test_it_throttles_with_retry_after(self, api, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
        }
        statuses = [api.get("/api/v1/outlets/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get("/api/v1/outlets/")
        assert response.status_code == 429 and _is_error_shape(response)
        assert 1 <= int(response["Retry-After"]) <= 60
        assert response.json()["error"]["code"] == "throttled"

    def test_it_throttles_users_by_their_own_rate(self, editor_api, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "3/minute"},
        }
        statuses = [editor_api.get("/api/v1/outlets/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
