"""schema.org JSON-LD: ClaimReview with a verdict, plain Claim while open, DataFeed of reviews."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims_tracker.claims import jsonld, selectors
from claims_tracker.claims.models import Claim, Status

BASE = "https://claims.example.org"


@pytest.fixture
def demo_claims(db):
    from claims_tracker.claims.demo import load_demo

    load_demo()
    return {c.claimant.slug: c for c in Claim.objects.select_related("claimant")}


@pytest.fixture(autouse=True)
def _newsroom(settings):
    settings.SITE_NAME = "Example Desk"
    settings.SITE_URL = "https://desk.example.org"


@pytest.mark.django_db
class TestClaimJsonld:
    def test_it_builds_a_claimreview_google_accepts(self, demo_claims, django_assert_num_queries):
        claim = selectors.claim_get(pk=demo_claims["russian-ministry-of-defence"].pk)
        with django_assert_num_queries(0):
            data = jsonld.claim_jsonld(claim, base_url=BASE + "/")
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "ClaimReview"
        assert data["url"] == f"{BASE}/claims/{claim.pk}/"
        assert data["claimReviewed"] == "Russian forces have taken control of the town of Soledar."
        assert data["datePublished"] == "2023-01-25T13:00:00+00:00"
        assert data["author"] == {"@type": "Organization", "name": "Example Desk", "url": "https://desk.example.org"}
        assert data["reviewRating"] == {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Confirmed",
        }
        item = data["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["@type"] == "Organization"
        assert item["author"]["name"] == "Russian Ministry of Defence"
        assert item["datePublished"] == "2023-01-13T06:00:00+00:00"
        # Five appearances, one article: one CreativeWork, which is also the first appearance.
        assert len(item["appearance"]) == 1
        assert item["firstAppearance"]["@type"] == "CreativeWork"
        assert item["firstAppearance"]["url"].startswith(BASE + "/articles/")
        assert item["firstAppearance"]["publisher"]["name"] == "NBC News"

    def test_it_has_the_reference_example_keys(self, demo_claims, shared_dir: Path):
        reference = json.loads((shared_dir / "corpus/claimreview/schemaorg_google_worldisflat.jsonld").read_text())
        claim = selectors.claim_get(pk=demo_claims["russian-ministry-of-defence"].pk)
        data = jsonld.claim_jsonld(claim, base_url=BASE)
        assert set(reference) <= set(data)
        assert set(reference["reviewRating"]) <= set(data["reviewRating"])
        assert {"@type", "author", "datePublished", "appearance"} <= set(data["itemReviewed"])

    def test_it_gives_a_person_for_a_person_and_a_plain_claim_while_open(self, demo_claims):
        claim = selectors.claim_get(pk=demo_claims["hanna-malyar"].pk)
        data = jsonld.claim_jsonld(claim, base_url=BASE)
        assert data["@type"] == "Claim"
        assert "reviewRating" not in data
        assert data["author"]["@type"] == "Person"
        assert data["author"]["jobTitle"] == "Deputy Defence Minister of Ukraine"
        assert data["author"]["affiliation"]["name"] == "Ministry of Defence of Ukraine"
        assert data["creativeWorkStatus"] == "Unverified"
        assert data["url"] == f"{BASE}/claims/{claim.pk}/"

    @pytest.mark.parametrize(
        ("status", "rating"),
        [(Status.REFUTED, 1), (Status.RETRACTED, 2), (Status.PARTLY_CONFIRMED, 3), (Status.CONFIRMED, 5)],
    )
    def test_each_verdict_has_its_rating(self, status, rating):
        from claims_tracker.claims.models import Claimant

        claim = Claim(pk=1, text="x", status=status, claimant=Claimant(name="A", slug="a", kind="person"))
        claim._prefetched_objects_cache = {"appearances": Claim.objects.none()}
        data = jsonld.claim_jsonld(claim, base_url=BASE)
        assert data["reviewRating"]["ratingValue"] == rating
        assert data["reviewRating"]["alternateName"] == Status(status).label

    def test_the_datafeed_holds_only_reviews(self, demo_claims, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            feed = jsonld.claimreview_datafeed(selectors.claim_list_for_jsonld(), base_url=BASE)
        assert feed["@type"] == "DataFeed"
        assert [e["@type"] for e in feed["dataFeedElement"]] == ["ClaimReview"]
        assert "@context" not in feed["dataFeedElement"][0]
        json.dumps(feed)  # serialisable as is
