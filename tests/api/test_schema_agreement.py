"""The schema and the validation agree on the cases schemathesis found apart (issue #22 what broke 10);
tests/api/test_schemathesis.py checks the whole API with every check."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Claim
from claims_tracker.webhooks.models import Subscription
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


def _input_serializers():
    from rest_framework import serializers

    from claims_tracker.api import inputs

    return [
        cls
        for cls in vars(inputs).values()
        if isinstance(cls, type) and issubclass(cls, serializers.Serializer) and cls.__module__ == inputs.__name__
    ]


class TestFreeTextIsText:
    """Issue #22 what broke 10 (coverage phase): `"description": 0` was stored as "0" though the schema says string."""

    def test_every_free_text_field_of_every_input_is_the_one_text_field(self):
        from rest_framework import serializers

        from claims_tracker.api.inputs import TextField

        texts = {}
        for cls in _input_serializers():
            for name, field in cls().fields.items():
                # Choices, slugs, addresses and dates have a format of their own; everything else typed is text.
                if isinstance(field, serializers.CharField) and not isinstance(
                    field, serializers.SlugField | serializers.URLField
                ):
                    texts[f"{cls.__name__}.{name}"] = type(field)
        assert len(texts) >= 15, texts
        assert {name for name, kind in texts.items() if kind is not TextField} == set()

    @pytest.mark.parametrize("value", [0, 1.5, True, ["x"], {"x": 1}])
    def test_a_webhook_description_that_is_not_a_string_is_refused(self, editor_api, value):
        body = {"url": "https://example.org/hook", "events": ["claim.created"], "description": value}
        response = editor_api.post("/api/v1/webhooks/create/", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["fields"]["description"][0].startswith("Send text (a JSON string), not a")
        assert not Subscription.objects.exists()

    @pytest.mark.parametrize(
        "path, body, field",
        [
            ("relations/", {"kind": "contradicts", "note": 0}, "note"),
            ("evidence/", {"stance": "supports", "summary": 0, "url": "https://example.org/a"}, "summary"),
            ("appearances/", {"quote": 12, "verb": "said"}, "quote"),
            ("status/", {"to_status": "disputed", "rationale": 7, "expected_version": 1}, "rationale"),
        ],
    )
    def test_numbers_are_refused_in_every_write_and_nothing_is_stored(self, editor_api, path, body, field):
        claim, other, article = ClaimFactory(), ClaimFactory(), ArticleFactory()
        body = {**body, "to_claim": other.pk, "article": article.pk}
        before = (claim.version, claim.appearances.count(), claim.evidence.count())
        response = editor_api.post(f"/api/v1/claims/{claim.pk}/{path}", body, format="json")
        assert response.status_code == 400 and list(response.json()["error"]["fields"]) == [field], response.content
        claim.refresh_from_db()
        assert (claim.version, claim.appearances.count(), claim.evidence.count()) == before

    def test_the_token_endpoint_refuses_a_number_as_a_password(self, api, editor):
        response = api.post("/api/v1/auth/token/", {"username": "editor", "password": 1234}, format="json")
        assert response.status_code == 400 and "password" in response.json()["error"]["fields"]


class TestRefusedStatesAndMissingRows:
    """The coverage phase's valid requests that named no row, or a state the claim was in: answered as documented."""

    def test_a_claim_already_in_that_state_is_a_409_that_writes_nothing(self, editor_api):
        claim = ClaimFactory()
        body = {"to_status": claim.status, "rationale": "Again.", "expected_version": claim.version}
        response = editor_api.post(f"/api/v1/claims/{claim.pk}/status/", body, format="json")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "invalid_transition" and "already" in error["fields"]["to_status"][0]
        assert Claim.objects.get(pk=claim.pk).version == claim.version

    def test_a_change_dated_before_the_last_one_is_a_409(self, editor_api):
        claim = ClaimFactory()
        body = {"to_status": "disputed", "rationale": "x", "expected_version": 1, "changed_at": "2000-01-01T00:00:00Z"}
        response = editor_api.post(f"/api/v1/claims/{claim.pk}/status/", body, format="json")
        assert response.status_code == 409 and "changed_at" in response.json()["error"]["fields"]

    @pytest.mark.parametrize(
        "path, body, field",
        [
            ("appearances/", {"article": 2**40}, "article"),
            ("appearances/", {"speaker": "nobody-at-all"}, "speaker"),
            ("relations/", {"to_claim": 2**40, "kind": "supports"}, "to_claim"),
            ("evidence/", {"stance": "supports", "summary": "S", "article": 2**40}, "article"),
        ],
    )
    def test_a_row_named_in_the_body_that_does_not_exist_is_a_404_naming_it(self, editor_api, path, body, field):
        claim, article = ClaimFactory(), ArticleFactory()
        body = {"article": article.pk, **body}
        before = (claim.appearances.count(), claim.evidence.count(), claim.relations_out.count())
        response = editor_api.post(f"/api/v1/claims/{claim.pk}/{path}", body, format="json")
        assert response.status_code == 404, response.content
        assert response.json()["error"]["code"] == "not_found" and list(response.json()["error"]["fields"]) == [field]
        assert (claim.appearances.count(), claim.evidence.count(), claim.relations_out.count()) == before

    def test_the_schema_documents_both_answers_on_every_write_that_gives_them(self, schema):
        for path, item in schema["paths"].items():
            if path.startswith(("/api/v1/claims/{id}/", "/api/v1/candidates/{id}/")) and "post" in item:
                responses = item["post"]["responses"]
                assert {"404", "409"} <= set(responses), path
                assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOutput")
