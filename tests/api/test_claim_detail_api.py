from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import Article, Claim, Claimant, ClaimRelation, Outlet, Status
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, add_evidence

pytestmark = pytest.mark.django_db


def _claim_with_everything():
    claim = ClaimFactory(claimed_at=datetime(2023, 1, 13, tzinfo=UTC))
    other = ClaimFactory(text="Ukrainian forces still hold Soledar.")
    speaker = ClaimantFactory(name="Hanna Malyar")
    services.appearance_add(claim=claim, article=ArticleFactory(), stance="asserts", quote="We took it.")
    services.appearance_add(claim=claim, article=ArticleFactory(), stance="denies", speaker=speaker, quote="No.")
    services.claim_relate(from_claim=claim, to_claim=other, kind="contradicts")
    evidence = add_evidence(claim)
    services.claim_change_status(
        claim_id=claim.pk,
        to_status=Status.CONFIRMED,
        rationale="Ukraine said it withdrew.",
        evidence_ids=[evidence.pk],
        changed_at=datetime(2023, 1, 25, tzinfo=UTC),
    )
    return claim, other, evidence


class TestClaimDetailApi:
    def test_it_shows_appearances_by_stance_evidence_relations_and_history(self, api):
        claim, other, evidence = _claim_with_everything()
        body = api.get(f"/api/v1/claims/{claim.pk}/").json()
        assert [a["quote"] for a in body["appearances"]["asserts"]] == ["We took it."]
        assert [a["speaker"]["name"] for a in body["appearances"]["denies"]] == ["Hanna Malyar"]
        assert body["appearances"]["disputes"] == []
        assert [e["id"] for e in body["evidence"]] == [evidence.pk]
        assert body["relations"][0]["claim"]["id"] == other.pk and body["relations"][0]["direction"] == "out"
        assert [h["to_status"] for h in body["history"]] == ["confirmed", "unverified"]
        assert body["history"][0]["evidence"] == [evidence.pk]
        assert body["status"] == "confirmed" and body["version"] == 5
        assert body["claimreview_url"].endswith(f"/api/v1/claims/{claim.pk}/claimreview")
        seen_from_other = api.get(f"/api/v1/claims/{other.pk}/").json()["relations"]
        assert seen_from_other[0]["direction"] == "in"

    def test_it_says_what_was_known_as_of_a_date(self, api):
        claim, _, _ = _claim_with_everything()
        before = api.get(f"/api/v1/claims/{claim.pk}/", {"as_of": "2023-01-20T00:00:00Z"}).json()
        assert before["status_as_of"]["to_status"] == "unverified"
        after = api.get(f"/api/v1/claims/{claim.pk}/", {"as_of": "2023-02-01T00:00:00Z"}).json()
        assert after["status_as_of"]["to_status"] == "confirmed"
        earlier = api.get(f"/api/v1/claims/{claim.pk}/", {"as_of": "2020-01-01T00:00:00Z"}).json()
        assert earlier["status_as_of"] is None
        assert api.get(f"/api/v1/claims/{claim.pk}/", {"as_of": "2023-13-45"}).status_code == 400

    def test_it_uses_a_fixed_number_of_queries(self, api, django_assert_max_num_queries):
        claim, _, _ = _claim_with_everything()
        for _ in range(5):
            services.appearance_add(claim=claim, article=ArticleFactory(), stance="reports")
        with django_assert_max_num_queries(12):
            assert api.get(f"/api/v1/claims/{claim.pk}/").status_code == 200

    def test_it_answers_404_in_the_error_shape(self, api):
        response = api.get("/api/v1/claims/987654/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


class TestClaimDetailConditional:
    def test_it_answers_304_until_anything_shown_changes(self, api, django_assert_max_num_queries):
        claim, other, _ = _claim_with_everything()
        url = f"/api/v1/claims/{claim.pk}/"
        etag = api.get(url)["ETag"]
        with django_assert_max_num_queries(2):
            assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        # A change to a related claim shows in this page: the ETag must move.
        add_evidence(other)
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
        etag = api.get(url)["ETag"]
        services.claimant_update(claimant_id=claim.claimant_id, expected_version=1, name="Renamed ministry")
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_it_honours_if_modified_since(self, api, settings):
        claim, _, _ = _claim_with_everything()
        settings.API_SYNC_SETTLE_SECONDS = 60  # a write inside the settle lag: too fresh to trust
        assert "Last-Modified" not in api.get(f"/api/v1/claims/{claim.pk}/")
        settings.API_SYNC_SETTLE_SECONDS = 0
        old = datetime(2023, 1, 25, 12, 0, 0, 500000, tzinfo=UTC)
        for model in (Claim, Claimant, Article, Outlet):
            model.objects.update(updated_at=old)
        ClaimRelation.objects.update(created_at=old)
        response = api.get(f"/api/v1/claims/{claim.pk}/")
        assert response["Last-Modified"] == "Wed, 25 Jan 2023 12:00:00 GMT"
        assert (
            api.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
        )


class TestClaimDetailPreconditions:
    """Django's get_conditional_response decides, on what the detail shows."""

    def test_it_answers_a_head_with_304_and_the_validators(self, api):
        claim = ClaimFactory()
        url = f"/api/v1/claims/{claim.pk}/"
        first = api.get(url)
        head = api.head(url, HTTP_IF_NONE_MATCH=f'W/{first["ETag"]}, "other"')
        assert head.status_code == 304 and head["ETag"] == first["ETag"] and head["Cache-Control"] == "no-cache"

    def test_it_refuses_a_failed_if_match_in_the_error_shape(self, api):
        claim = ClaimFactory()
        url = f"/api/v1/claims/{claim.pk}/"
        etag = api.get(url)["ETag"]
        refused = api.get(url, HTTP_IF_MATCH='"not-the-current-one"', HTTP_IF_NONE_MATCH='"stale"')
        assert refused.status_code == 412 and refused.json()["error"]["code"] == "precondition_failed"
        assert api.get(url, HTTP_IF_MATCH=etag, HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    def test_it_ignores_an_if_modified_since_in_the_future(self, api):
        claim = ClaimFactory()
        old = datetime(2023, 1, 25, 12, 0, tzinfo=UTC)
        for model in (Claim, Claimant):
            model.objects.update(updated_at=old)
        url = f"/api/v1/claims/{claim.pk}/"
        assert api.get(url)["Last-Modified"] == "Wed, 25 Jan 2023 12:00:00 GMT"
        assert api.get(url, HTTP_IF_MODIFIED_SINCE="Wed, 25 Jan 2023 12:00:00 GMT").status_code == 304
        # A copy "from the future" would match every write until then: answered in full instead.
        assert api.get(url, HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT").status_code == 200
