"""The schema and the validation agree on the cases schemathesis found apart (issue #22 what broke 10);
tests/api/test_schemathesis.py checks the whole API with every check."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Claim
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api) -> dict:
    return api.get("/api/schema/", {"format": "json"}).json()


def _parameter(schema: dict, path: str, name: str) -> dict:
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


class TestSchemaAgreement:
    def test_page_size_is_bounded_in_the_schema_as_in_the_server(self, api, schema):
        assert _parameter(schema, "/api/v1/claims/", "page_size") == {"type": "integer", "minimum": 1, "maximum": 500}
        assert api.get("/api/v1/claims/", {"page_size": 0}).status_code == 400
        assert api.get("/api/v1/claims/", {"page_size": 500}).status_code == 200

    def test_blank_text_is_refused_and_the_schema_says_so(self, editor_api, schema):
        pattern = schema["components"]["schemas"]["ClaimCreateInput"]["properties"]["text"]["pattern"]
        assert pattern == r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
        slug = ClaimantFactory().slug
        for text in ("", "   ", "\t\n"):
            response = editor_api.post("/api/v1/claims/create/", {"text": text, "claimant": slug}, format="json")
            assert response.status_code == 400 and "text" in response.json()["error"]["fields"], text
        padded = editor_api.post("/api/v1/claims/create/", {"text": "  Said. ", "claimant": slug}, format="json")
        assert padded.status_code == 201 and Claim.objects.get().text == "Said."

    def test_a_text_over_its_length_counts_its_spaces(self, editor_api):
        response = editor_api.post(
            "/api/v1/webhooks/create/",
            {"url": "https://example.org/hook", "events": ["status.changed"], "description": "\r" + "x" * 200},
            format="json",
        )
        assert response.status_code == 400 and "description" in response.json()["error"]["fields"]

    def test_an_empty_date_or_format_is_refused_not_ignored(self, api):
        assert api.get("/api/v1/claims/sync/", {"updated_since": ""}).status_code == 400
        claim = ClaimFactory()
        assert api.get(f"/api/v1/claims/{claim.pk}/", {"as_of": ""}).status_code == 400
        assert api.get("/api/v1/claimreview.jsonld", {"format": ""}).status_code == 404
        conditional = api.get(f"/api/v1/claims/{claim.pk}/claimreview", {"format": "nope"}, HTTP_IF_NONE_MATCH="*")
        assert conditional.status_code == 404

    def test_writes_take_json_only(self, editor_api):
        slug = ClaimantFactory().slug
        response = editor_api.post("/api/v1/claims/create/", {"text": "Said.", "claimant": slug})  # multipart
        assert response.status_code == 415

    def test_a_blank_speaker_is_refused(self, editor_api):
        claim, article = ClaimFactory(), ArticleFactory()
        body = {"article": article.pk, "speaker": "", "quote": "q"}
        response = editor_api.post(f"/api/v1/claims/{claim.pk}/appearances/", body, format="json")
        assert response.status_code == 400 and "speaker" in response.json()["error"]["fields"]
