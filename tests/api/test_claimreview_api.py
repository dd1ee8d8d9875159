"""ClaimReview JSON-LD: what Google's fact-check markup requires, equal to the claim page's."""

from __future__ import annotations

from datetime import UTC, datetime

import extruct
import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import Status
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, add_evidence

pytestmark = pytest.mark.django_db


def _refuted_claim():
    claim = ClaimFactory(
        claimant=ClaimantFactory(name="Yevgeny Prigozhin"), claimed_at=datetime(2023, 1, 11, tzinfo=UTC)
    )
    services.appearance_add(claim=claim, article=ArticleFactory(title="Wagner says it took Soledar"))
    evidence = add_evidence(claim, stance="contradicts")
    services.claim_change_status(
        claim_id=claim.pk, to_status=Status.REFUTED, rationale="No.", evidence_ids=[evidence.pk]
    )
    return claim


def _assert_google_fields(review: dict, claim) -> None:
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"].endswith(f"/claims/{claim.pk}/")
    assert review["datePublished"] and review["author"]["name"]
    rating = review["reviewRating"]
    assert rating["ratingValue"] == 1 and rating["bestRating"] == 5 and rating["worstRating"] == 1
    assert rating["alternateName"] == "Refuted"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] == "Yevgeny Prigozhin"
    assert item["datePublished"].startswith("2023-01-11")
    assert item["appearance"][0]["headline"] == "Wagner says it took Soledar"


class TestClaimClaimReviewApi:
    def test_it_returns_a_claimreview_for_a_verdict(self, api):
        claim = _refuted_claim()
        response = api.get(f"/api/v1/claims/{claim.pk}/claimreview")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
        review = response.json()
        assert review["@context"] == "https://schema.org"
        _assert_google_fields(review, claim)
        as_json = api.get(f"/api/v1/claims/{claim.pk}/claimreview", HTTP_ACCEPT="application/json")
        assert as_json["Content-Type"].startswith("application/json") and as_json.json() == review
        assert api.get(f"/api/v1/claims/{claim.pk}/claimreview", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_it_returns_a_plain_claim_while_open(self, api):
        claim = ClaimFactory()
        body = api.get(f"/api/v1/claims/{claim.pk}/claimreview").json()
        assert body["@type"] == "Claim" and body["text"] == claim.text
        assert api.get("/api/v1/claims/424242/claimreview").status_code == 404

    def test_it_matches_the_markup_extruct_finds_on_the_claim_page(self, client, api, settings):
        settings.ALLOWED_HOSTS = ["testserver"]
        claim = _refuted_claim()
        page = client.get(f"/claims/{claim.pk}/")
        assert page.status_code == 200
        found = extruct.extract(page.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
        reviews = [item for item in found if item.get("@type") == "ClaimReview"]
        assert len(reviews) == 1
        _assert_google_fields(reviews[0], claim)
        assert reviews[0] == api.get(f"/api/v1/claims/{claim.pk}/claimreview").json()


class TestClaimReviewFeedApi:
    def test_it_lists_only_claims_with_a_verdict(self, api):
        refuted = _refuted_claim()
        ClaimFactory()  # open: not in the feed
        response = api.get("/api/v1/claimreview.jsonld")
        feed = response.json()
        assert feed["@type"] == "DataFeed"
        assert [e["url"] for e in feed["dataFeedElement"]] == [f"http://testserver/claims/{refuted.pk}/"]
        _assert_google_fields(feed["dataFeedElement"][0], refuted)
        assert api.get("/api/v1/claimreview.jsonld", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
