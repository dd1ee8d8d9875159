"""Editors' writes: same services, same rules, same errors; 401/403 for the wrong callers."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Claim, Status
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, StoryFactory, add_evidence

pytestmark = pytest.mark.django_db


class TestClaimCreateApi:
    def test_it_creates_a_claim_with_its_first_history_entry(self, editor_api):
        ClaimantFactory(slug="mod")
        StoryFactory(slug="soledar")
        response = editor_api.post(
            "/api/v1/claims/create/",
            {"text": "Russian forces control Soledar.", "claimant": "mod", "stories": ["soledar"]},
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert response["Location"] == body["url"]
        assert body["status"] == "unverified" and body["story_list"][0]["slug"] == "soledar"
        assert [h["to_status"] for h in body["history"]] == ["unverified"]
        assert Claim.objects.get(pk=body["id"]).created_by.username == "editor"

    def test_it_names_the_field_at_fault(self, editor_api):
        ClaimantFactory(slug="mod")
        response = editor_api.post("/api/v1/claims/create/", {"text": "  ", "claimant": "ghost"}, format="json")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {"text"}
        response = editor_api.post("/api/v1/claims/create/", {"text": "Real text.", "claimant": "ghost"}, format="json")
        # A row the body names that does not exist: 404 like a row the path names, the field still named.
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert response.json()["error"]["fields"] == {"claimant": ["No claimant 'ghost'."]}
        malformed = editor_api.post("/api/v1/claims/create/", "{not json", content_type="application/json")
        assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_request"
        assert editor_api.post("/api/v1/claims/create/", [1, 2], format="json").status_code == 400

    def test_it_wants_a_token_then_an_editor(self, api, reader_api):
        ClaimantFactory(slug="mod")
        data = {"text": "Something.", "claimant": "mod"}
        anonymous = api.post("/api/v1/claims/create/", data, format="json")
        assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
        assert anonymous.json()["error"]["code"] == "not_authenticated"
        reader = reader_api.post("/api/v1/claims/create/", data, format="json")
        assert reader.status_code == 403 and reader.json()["error"]["code"] == "permission_denied"
        api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert api.post("/api/v1/claims/create/", data, format="json").status_code == 401
        assert Claim.objects.count() == 0

    def test_it_rejects_get_with_405(self, editor_api):
        response = editor_api.get("/api/v1/claims/create/")
        assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


class TestClaimStatusChangeApi:
    def test_it_changes_the_state_with_the_expected_version(self, editor_api):
        claim = ClaimFactory()
        evidence = add_evidence(claim, stance="contradicts")
        response = editor_api.post(
            f"/api/v1/claims/{claim.pk}/status/",
            {"to_status": "refuted", "rationale": "Shown false.", "evidence": [evidence.pk], "expected_version": 2},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "refuted" and response.json()["version"] == 3

    def test_it_answers_409_with_the_current_version_on_a_stale_one(self, editor_api):
        claim = ClaimFactory()
        add_evidence(claim)  # version 2 now
        response = editor_api.post(
            f"/api/v1/claims/{claim.pk}/status/",
            {"to_status": "disputed", "rationale": "Contested.", "expected_version": 1},
            format="json",
        )
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "stale_version" and error["current_version"] == 2
        assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED

    def test_it_applies_the_same_rules_as_the_pages(self, editor_api, settings):
        claim = ClaimFactory()
        no_evidence = editor_api.post(
            f"/api/v1/claims/{claim.pk}/status/",
            {"to_status": "confirmed", "rationale": "Trust me.", "expected_version": 1},
            format="json",
        )
        assert no_evidence.status_code == 400
        assert no_evidence.json()["error"]["code"] == "invalid_transition"
        assert "evidence" in no_evidence.json()["error"]["fields"]
        missing = editor_api.post(f"/api/v1/claims/{claim.pk}/status/", {"to_status": "disputed"}, format="json")
        assert set(missing.json()["error"]["fields"]) == {"rationale", "expected_version"}
        settings.CLAIMS_VERDICT_NEEDS_REVIEWER = True
        evidence = add_evidence(claim)
        not_reviewer = editor_api.post(
            f"/api/v1/claims/{claim.pk}/status/",
            {"to_status": "confirmed", "rationale": "Seen.", "evidence": [evidence.pk], "expected_version": 2},
            format="json",
        )
        assert not_reviewer.status_code == 403 and not_reviewer.json()["error"]["code"] == "not_allowed"

    def test_it_refuses_changed_at_in_the_far_future_so_the_claim_does_not_freeze(self, editor_api):
        claim = ClaimFactory()
        url = f"/api/v1/claims/{claim.pk}/status/"
        future = {
            "to_status": "disputed",
            "rationale": "x",
            "expected_version": 1,
            "changed_at": "9999-12-31T00:00:00Z",
        }
        response = editor_api.post(url, future, format="json")
        assert response.status_code == 400 and response.json()["error"]["fields"]["changed_at"]
        later = editor_api.post(url, {"to_status": "disputed", "rationale": "x", "expected_version": 1}, format="json")
        assert later.status_code == 201 and Claim.objects.get(pk=claim.pk).status == Status.DISPUTED

    def test_it_refuses_evidence_of_another_claim(self, reviewer_api):
        claim, other = ClaimFactory(), ClaimFactory()
        foreign = add_evidence(other)
        response = reviewer_api.post(
            f"/api/v1/claims/{claim.pk}/status/",
            {"to_status": "confirmed", "rationale": "Seen.", "evidence": [foreign.pk], "expected_version": 1},
            format="json",
        )
        assert response.status_code == 400 and "evidence" in response.json()["error"]["fields"]

    def test_it_answers_404_for_a_missing_claim(self, editor_api):
        response = editor_api.post(
            "/api/v1/claims/999999/status/",
            {"to_status": "disputed", "rationale": "x", "expected_version": 1},
            format="json",
        )
        assert response.status_code == 404


class TestClaimAppearanceEvidenceRelationApi:
    def test_it_adds_an_appearance_evidence_and_a_relation(self, editor_api):
        claim, other = ClaimFactory(), ClaimFactory()
        speaker = ClaimantFactory(slug="malyar")
        article = ArticleFactory()
        appearance = editor_api.post(
            f"/api/v1/claims/{claim.pk}/appearances/",
            {"article": article.pk, "speaker": "malyar", "stance": "denies", "quote": "Battles continue."},
            format="json",
        )
        assert appearance.status_code == 201, appearance.content
        assert appearance.json()["speaker"]["id"] == speaker.pk
        evidence = editor_api.post(
            f"/api/v1/claims/{claim.pk}/evidence/",
            {"stance": "supports", "summary": "Geolocated video.", "url": "https://example.org/v", "kind": "imagery"},
            format="json",
        )
        assert evidence.status_code == 201 and evidence.json()["kind"] == "imagery"
        relation = editor_api.post(
            f"/api/v1/claims/{claim.pk}/relations/", {"to_claim": other.pk, "kind": "contradicts"}, format="json"
        )
        assert relation.status_code == 201 and relation.json()["claim"]["id"] == other.pk
        assert Claim.objects.get(pk=claim.pk).version == 3

    def test_it_reports_bad_references_and_service_rules(self, editor_api):
        claim = ClaimFactory()
        missing_article = editor_api.post(f"/api/v1/claims/{claim.pk}/appearances/", {"article": 424242}, format="json")
        assert missing_article.status_code == 404 and "article" in missing_article.json()["error"]["fields"]
        no_source = editor_api.post(
            f"/api/v1/claims/{claim.pk}/evidence/", {"stance": "supports", "summary": "Hearsay."}, format="json"
        )
        assert no_source.status_code == 400 and "url" in no_source.json()["error"]["fields"]
        for url in ("javascript:alert(1)//x.com", "ftp://files.example/a"):
            not_web = editor_api.post(
                f"/api/v1/claims/{claim.pk}/evidence/",
                {"stance": "supports", "summary": "S", "url": url},
                format="json",
            )
            assert not_web.status_code == 400 and "url" in not_web.json()["error"]["fields"]
        itself = editor_api.post(
            f"/api/v1/claims/{claim.pk}/relations/", {"to_claim": claim.pk, "kind": "supports"}, format="json"
        )
        assert itself.status_code == 400 and "to_claim" in itself.json()["error"]["fields"]


class TestAuthTokenCreateApi:
    def test_it_trades_a_password_for_a_token(self, api, editor):
        from tests.factories import PASSWORD

        response = api.post("/api/v1/auth/token/", {"username": "editor", "password": PASSWORD}, format="json")
        assert response.status_code == 200 and len(response.json()["token"]) == 40
        wrong = api.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}, format="json")
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "authentication_failed"

    def test_it_answers_a_lockout_in_json_not_axes_html(self, api, editor, settings):
        settings.AXES_FAILURE_LIMIT = 2
        for _ in range(2):
            api.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}, format="json")
        locked = api.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}, format="json")
        assert locked.status_code == 429 and locked["Content-Type"].startswith("application/json")
        assert locked.json()["error"]["code"] == "locked_out" and int(locked["Retry-After"]) > 0
