"""Claimants (track record), stories, articles, outlets, and the status-change feed."""

from __future__ import annotations

import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import Status
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, OutletFactory, StoryFactory, add_evidence

pytestmark = pytest.mark.django_db


def _confirm(claim):
    evidence = add_evidence(claim)
    services.claim_change_status(
        claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="Seen.", evidence_ids=[evidence.pk]
    )


class TestClaimantApi:
    def test_it_counts_a_track_record_from_final_states_only(self, api):
        claimant = ClaimantFactory(slug="mod", name="Ministry")
        confirmed = ClaimFactory(claimant=claimant)
        _confirm(confirmed)
        disputed = ClaimFactory(claimant=claimant)
        services.claim_change_status(claim_id=disputed.pk, to_status=Status.DISPUTED, rationale="Contested.")
        ClaimFactory(claimant=claimant)
        body = api.get("/api/v1/claimants/mod/").json()
        assert body["claims_total"] == 3
        assert body["track_record"] == {"confirmed": 1, "partly_confirmed": 0, "refuted": 0, "retracted": 0}
        listed = api.get("/api/v1/claimants/", {"q": "minis"}).json()["results"]
        assert [c["slug"] for c in listed] == ["mod"] and listed[0]["track_record"]["confirmed"] == 1

    def test_it_pages_by_name_and_changes_its_etag_with_the_record(self, api):
        names = ["Bravo", "Alpha", "Charlie"]
        claimants = [ClaimantFactory(name=n) for n in names]
        first = api.get("/api/v1/claimants/", {"page_size": 2}).json()
        assert [c["name"] for c in first["results"]] == ["Alpha", "Bravo"]
        rest = api.get("/api/v1/claimants/", {"page_size": 2, "cursor": first["next_cursor"]}).json()
        assert [c["name"] for c in rest["results"]] == ["Charlie"] and rest["has_more"] is False
        url = f"/api/v1/claimants/{claimants[0].slug}/"
        etag = api.get(url)["ETag"]
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        _confirm(ClaimFactory(claimant=claimants[0]))
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
        assert api.get("/api/v1/claimants/nobody/").status_code == 404


class TestStoryArticleOutletApi:
    def test_it_lists_stories_with_claim_counts(self, api):
        story = StoryFactory(title="Battle for Soledar", slug="soledar")
        ClaimFactory(stories=[story])
        body = api.get("/api/v1/stories/").json()
        assert body["results"][0]["slug"] == "soledar" and body["results"][0]["claims_total"] == 1
        assert api.get("/api/v1/stories/soledar/").json()["claims_total"] == 1
        assert api.get("/api/v1/stories/", {"q": "bakhmut"}).json()["results"] == []

    def test_it_filters_articles_by_outlet_language_and_date(self, api):
        tass = OutletFactory(slug="tass")
        ru = ArticleFactory(outlet=tass, language="ru")
        en = ArticleFactory(language="en")
        assert [a["id"] for a in api.get("/api/v1/articles/", {"outlet": "tass"}).json()["results"]] == [ru.pk]
        assert [a["id"] for a in api.get("/api/v1/articles/", {"language": "EN"}).json()["results"]] == [en.pk]
        after = api.get("/api/v1/articles/", {"published_after": "2999-01-01T00:00:00Z"}).json()["results"]
        assert after == []
        detail = api.get(f"/api/v1/articles/{ru.pk}/").json()
        assert detail["outlet"]["slug"] == "tass"

    def test_it_lists_outlets_and_filters_by_kind(self, api):
        OutletFactory(slug="tass", name="TASS", kind="state_media")
        OutletFactory(slug="nbc", name="NBC", kind="broadcaster")
        kinds = api.get("/api/v1/outlets/", {"kind": "state_media"}).json()["results"]
        assert [o["slug"] for o in kinds] == ["tass"]
        assert api.get("/api/v1/outlets/", {"kind": "blog"}).status_code == 400
        response = api.get("/api/v1/outlets/nbc/")
        assert response.json()["name"] == "NBC"
        assert api.get("/api/v1/outlets/nbc/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


class TestStatusChangeListApi:
    def test_it_feeds_changes_in_recorded_order_with_a_cursor_and_filters(self, api):
        a, b = ClaimFactory(), ClaimFactory()
        _confirm(a)
        body = api.get("/api/v1/status-changes/", {"page_size": 2}).json()
        assert [(c["claim_id"], c["to_status"]) for c in body["results"]] == [
            (a.pk, "unverified"),
            (b.pk, "unverified"),
        ]
        rest = api.get("/api/v1/status-changes/", {"page_size": 2, "cursor": body["next_cursor"]}).json()
        assert [(c["claim_id"], c["to_status"]) for c in rest["results"]] == [(a.pk, "confirmed")]
        assert rest["results"][0]["evidence"]
        assert rest["has_more"] is False
        idle = api.get("/api/v1/status-changes/", {"cursor": rest["next_cursor"]}).json()
        assert idle["results"] == []
        confirmed = api.get("/api/v1/status-changes/", {"to_state": "confirmed"}).json()["results"]
        assert [c["claim_id"] for c in confirmed] == [a.pk]
        assert [c["claim_id"] for c in api.get("/api/v1/status-changes/", {"claim": b.pk}).json()["results"]] == [b.pk]
