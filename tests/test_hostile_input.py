"""Issue #22 "What broke" 6 and 7: hostile input answers 400 or 413 in our error shape, never a 500."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _is_error_shape(response) -> bool:
    body = response.json()
    return set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def _cursor(stamp: str) -> str:
    raw = json.dumps({"k": "claimed", "p": [stamp, 1]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class TestTokenEndpoint:
    def test_deep_json_nesting_is_a_400(self, client):
        response = client.post(TOKEN, "[" * 2000 + "]" * 2000, content_type="application/json")
        assert response.status_code == 400 and _is_error_shape(response)

    def test_a_json_body_over_the_upload_limit_is_a_413(self, client):
        body = json.dumps({"username": "x" * 2_700_000, "password": "y"})
        response = client.post(TOKEN, body, content_type="application/json")
        assert response.status_code == 413 and _is_error_shape(response)

    def test_too_many_form_fields_is_a_400(self, client):
        fields = urlencode({f"f{i}": "v" for i in range(1500)})
        response = client.post(TOKEN, fields, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and _is_error_shape(response)
        assert response.json()["error"]["code"] == "malformed_request"

    def test_a_multipart_body_is_refused_as_not_json(self, client):
        response = client.post(TOKEN, {f"f{i}": "v" for i in range(1500)})  # multipart/form-data
        assert response.status_code == 415 and _is_error_shape(response)


class TestPages:
    @pytest.mark.parametrize(
        "cursor",
        [
            "WyIyMDIzLTAxLTAxVDAwOjAwOjAwLTIzOjU5IiwgMV0",  # the issue's: ["2023-01-01T00:00:00-23:59", 1]
            _cursor("0001-01-01T00:00:00+23:59"),
            _cursor("9999-12-31T23:59:59-23:59"),
        ],
    )
    def test_a_cursor_with_an_extreme_offset_is_a_400(self, client, cursor):
        response = client.get("/", {"after": cursor})
        assert response.status_code == 400
        assert b"That page link is not valid" in response.content

    def test_a_well_formed_cursor_with_offset_minus_23_59_is_read_in_utc(self, client):
        response = client.get("/", {"after": _cursor("2023-01-01T00:00:00-23:59")})
        assert response.status_code == 200 and response.context["cursor_error"] == ""

    @pytest.mark.parametrize("path", ["/desk/claims/", "/desk/claimants/", "/desk/stories/", "/desk/outlets/", "/"])
    def test_a_nul_byte_in_a_search_is_a_400_page(self, client, editor, path):
        client.force_login(editor)
        response = client.get(path + "?q=%00")
        assert response.status_code == 400 and b"This request cannot be read" in response.content

    @pytest.mark.parametrize("query", ["q=%00", "claimant=%00", "after=%00", "status=a%00b", "%00=1"])
    def test_a_nul_byte_in_any_api_parameter_is_a_400_in_our_shape(self, client, query):
        response = client.get("/api/v1/claims/?" + query)
        assert response.status_code == 400 and _is_error_shape(response)
        assert response.json()["error"]["code"] == "malformed_request"
