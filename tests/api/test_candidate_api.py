"""Triage through the API: an article's candidates with ranked matches; accept, attach, reject by the desk's rules."""

from __future__ import annotations

import pytest

from claims_tracker.claims.demo import CLAIMS, load_demo
from claims_tracker.claims.models import Appearance, Claim
from claims_tracker.ingest import services as ingest
from claims_tracker.ingest.models import Candidate, CandidateState
from tests.ingest.pages import seed_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    load_demo()
    ingest.reset_matcher_cache()
    article, _ = ingest.article_submit_text(text=seed_text(), title="Soledar", enqueue=False)
    ingest.article_find_candidates(article.pk)
    return article


def _candidate(article, slug: str, words: str) -> Candidate:
    return Candidate.objects.get(article=article, claimant__slug=slug, statement__contains=words)


def _demo_claim(key: str) -> Claim:
    return Claim.objects.get(text=next(c.text for c in CLAIMS if c.key == key))


class TestCandidateListApi:
    def test_it_lists_the_articles_candidates_with_ranked_matches(self, editor_api, article):
        response = editor_api.get(f"/api/v1/candidates/?article={article.pk}")
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        assert len(results) == Candidate.objects.filter(article=article).count() >= 10
        malyar = next(r for r in results if r["claimant"] and r["claimant"]["slug"] == "hanna-malyar")
        first = malyar["matches"][0]
        assert first["claim"]["id"] == _demo_claim("malyar").pk
        assert first["claim"]["url"].endswith(f"/api/v1/claims/{first['claim']['id']}/")
        assert 0.5 <= first["score"] <= 1
        assert {"code": "claimant", "label": "same claimant"} in first["reasons"]
        scores = [m["score"] for m in malyar["matches"]]
        assert scores == sorted(scores, reverse=True)

    def test_it_filters_by_state(self, editor_api, editor, article):
        one = _candidate(article, "pavlo-kyrylenko", "500 people")
        ingest_reject = editor_api.post(f"/api/v1/candidates/{one.pk}/reject", {"reason": "No."}, format="json")
        assert ingest_reject.status_code == 200
        rejected = editor_api.get(f"/api/v1/candidates/?article={article.pk}&state=rejected").json()["results"]
        assert [(r["id"], r["state"], r["matches"]) for r in rejected] == [(one.pk, "rejected", [])]
        new = editor_api.get(f"/api/v1/candidates/?article={article.pk}&state=new").json()["results"]
        assert one.pk not in {r["id"] for r in new} and new

    def test_it_costs_the_same_few_queries_for_any_number_of_candidates(
        self, editor_api, article, django_assert_num_queries
    ):
        assert Candidate.objects.filter(article=article, state="new").count() >= 8
        editor_api.get(f"/api/v1/candidates/?article={article.pk}")  # word statistics, kept ten minutes
        # token + user, the candidates, then three matching queries for all new candidates at once.
        with django_assert_num_queries(2 + 1 + 3):
            assert editor_api.get(f"/api/v1/candidates/?article={article.pk}").status_code == 200

    @pytest.mark.parametrize(
        "query",
        [
            "?article=",
            "?article=abc",
            "?article=-1",
            "?article=1e9",
            f"?article={2**70}",
            "?article=1&state=gone",
            "?article=1&state=",
        ],
    )
    def test_bad_parameters_are_a_400_in_the_api_shape(self, editor_api, article, query):
        response = editor_api.get(f"/api/v1/candidates/{query}")
        assert response.status_code == 400
        assert response.json()["error"]["code"] and response.json()["error"]["fields"]

    def test_it_wants_an_editor(self, api, reader_api, article):
        assert api.get(f"/api/v1/candidates/?article={article.pk}").status_code == 401
        assert reader_api.get(f"/api/v1/candidates/?article={article.pk}").status_code == 403


class TestCandidateDecisionsApi:
    def test_attach_adds_an_appearance_to_the_first_match(self, editor_api, article):
        candidate = _candidate(article, "igor-konashenkov", "liberation")
        matches = editor_api.get(f"/api/v1/candidates/?article={article.pk}&state=new").json()["results"]
        first = next(r for r in matches if r["id"] == candidate.pk)["matches"][0]["claim"]["id"]
        assert first == _demo_claim("mod").pk
        before = Appearance.objects.filter(claim_id=first).count()
        response = editor_api.post(
            f"/api/v1/candidates/{candidate.pk}/attach", {"claim": first, "quote": candidate.quote}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["state"] == "merged" and response.json()["claim"] == first
        assert Appearance.objects.filter(claim_id=first).count() == before + 1

    def test_accept_makes_a_claim(self, editor_api, article):
        candidate = _candidate(article, "samuel-ramani", "Bakhmut")
        response = editor_api.post(
            f"/api/v1/candidates/{candidate.pk}/accept",
            {"text": "Russian forces would struggle to encircle Bakhmut.", "claimant": "samuel-ramani"},
            format="json",
        )
        assert response.status_code == 201, response.content
        claim = Claim.objects.get(pk=response.json()["claim"])
        assert claim.claimant.slug == "samuel-ramani" and claim.appearances.count() == 1

    def test_a_second_decision_is_refused_with_the_desks_message_and_writes_nothing(self, editor_api, article):
        candidate = _candidate(article, "pavlo-kyrylenko", "500 people")
        assert (
            editor_api.post(
                f"/api/v1/candidates/{candidate.pk}/reject", {"reason": "Not a claim"}, format="json"
            ).status_code
            == 200
        )
        claims = Claim.objects.count()
        again = editor_api.post(
            f"/api/v1/candidates/{candidate.pk}/accept", {"text": "x", "claimant": "pavlo-kyrylenko"}, format="json"
        )
        assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
        assert "already triaged (rejected)" in again.json()["error"]["message"]
        assert Claim.objects.count() == claims
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.REJECTED and candidate.reject_reason == "Not a claim"

    @pytest.mark.parametrize(
        ("action", "body", "field", "code"),
        [
            ("accept", {"text": "A claim."}, "claimant", 400),
            ("accept", {"text": "A claim.", "claimant": "ghost"}, "claimant", 404),  # a row named that does not exist
            ("accept", {"text": "", "claimant": "pavlo-kyrylenko"}, "text", 400),
            ("accept", {"text": "A claim.", "claimant": "pavlo-kyrylenko", "stories": ["nope"]}, "stories", 404),
            ("accept", {"text": 5, "claimant": "pavlo-kyrylenko"}, "text", 400),  # a number is not text
            ("attach", {}, "claim", 400),
            ("attach", {"claim": 10**12}, "claim", 404),
            ("attach", {"claim": "one"}, "claim", 400),
            ("reject", {"reason": "   "}, "reason", 400),
            ("reject", {"reason": "x" * 501}, "reason", 400),
            ("reject", {"reason": ["Not a claim"]}, "reason", 400),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(self, editor_api, article, action, body, field, code):
        candidate = _candidate(article, "pavlo-kyrylenko", "500 people")
        claims, appearances = Claim.objects.count(), Appearance.objects.count()
        response = editor_api.post(f"/api/v1/candidates/{candidate.pk}/{action}", body, format="json")
        assert response.status_code == code, response.content
        assert field in response.json()["error"]["fields"], response.json()
        assert (Claim.objects.count(), Appearance.objects.count()) == (claims, appearances)
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.NEW

    def test_unknown_candidates_and_non_objects(self, editor_api, reader_api, article):
        assert editor_api.post("/api/v1/candidates/999999999/reject", {"reason": "x"}).status_code == 404
        candidate = _candidate(article, "pavlo-kyrylenko", "500 people")
        assert editor_api.post(f"/api/v1/candidates/{candidate.pk}/reject", [1], format="json").status_code == 400
        assert reader_api.post(f"/api/v1/candidates/{candidate.pk}/reject", {"reason": "x"}).status_code == 403
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.NEW
