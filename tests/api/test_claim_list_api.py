from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from claims_tracker.claims import services
from claims_tracker.claims.models import Status
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    OutletFactory,
    StoryFactory,
    add_evidence,
)

URL = "/api/v1/claims/"
pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _walk(api, url: str, **params) -> list[int]:
    seen, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = api.get(url, query).json()
        seen += [row["id"] for row in body["results"]]
        if not body["has_more"]:
            assert body["next"] is None
            return seen
        cursor = body["next_cursor"]


class TestClaimListApi:
    def test_it_lists_newest_change_first_with_the_row_shape(self, api):
        old = ClaimFactory(text="Old claim.")
        new = ClaimFactory(text="New claim.")
        body = api.get(URL).json()
        assert [r["id"] for r in body["results"]] == [new.pk, old.pk]
        row = body["results"][0]
        assert row["status"] == "unverified" and row["status_label"] == "Unverified"
        assert row["claimant"]["slug"] == new.claimant.slug
        assert row["version"] == new.version
        assert row["url"].endswith(f"/api/v1/claims/{new.pk}/")
        assert body["has_more"] is False and body["next_cursor"] is None

    def test_it_pages_to_the_exact_end_without_repeats(self, api):
        claims = [ClaimFactory() for _ in range(6)]
        assert sorted(_walk(api, URL, page_size=3)) == sorted(c.pk for c in claims)
        assert len(_walk(api, URL, page_size=1)) == 6
        assert len(_walk(api, URL, page_size=6)) == 6
        # A page exactly full at the end says there is nothing more (no empty extra page).
        first = api.get(URL, {"page_size": 6}).json()
        assert first["has_more"] is False

    def test_it_pages_through_equal_timestamps_by_id(self, api):
        claims = [ClaimFactory() for _ in range(5)]
        same = datetime(2023, 1, 13, tzinfo=UTC)
        from claims_tracker.claims.models import Claim

        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(updated_at=same)
        assert _walk(api, URL, page_size=2) == sorted((c.pk for c in claims), reverse=True)

    @pytest.mark.parametrize("size", ["0", "501", "x", "-1"])
    def test_it_rejects_a_bad_page_size(self, api, size):
        response = api.get(URL, {"page_size": size})
        assert response.status_code == 400
        assert "page_size" in response.json()["error"]["fields"]

    def test_it_rejects_a_forged_or_foreign_cursor(self, api):
        ClaimFactory()
        ClaimFactory()
        story_cursor = api.get("/api/v1/claims/", {"page_size": 1, "ordering": "claimed"}).json()["next_cursor"]
        response = api.get(URL, {"cursor": story_cursor})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"
        assert api.get(URL, {"cursor": "!!!"}).status_code == 400

    def test_it_filters_by_state_claimant_story_outlet_and_language(self, api, editor):
        story = StoryFactory(slug="soledar")
        outlet = OutletFactory(slug="tass")
        claimant = ClaimantFactory(slug="mod")
        a = ClaimFactory(claimant=claimant, stories=[story])
        b = ClaimFactory()
        c = ClaimFactory()
        services.appearance_add(claim=b, article=ArticleFactory(outlet=outlet, language="ru"))
        services.appearance_add(claim=c, article=ArticleFactory(language="uk"))
        services.appearance_add(claim=c, article=ArticleFactory(language="uk"))  # two: still listed once
        evidence = add_evidence(c, stance="contradicts")
        services.claim_change_status(
            claim_id=c.pk, to_status=Status.REFUTED, rationale="Shown false.", evidence_ids=[evidence.pk]
        )
        assert _ids(api.get(URL, {"state": "refuted"})) == [c.pk]
        assert sorted(_ids(api.get(URL + "?state=refuted&state=unverified"))) == sorted([a.pk, b.pk, c.pk])
        assert _ids(api.get(URL, {"claimant": "mod"})) == [a.pk]
        assert _ids(api.get(URL, {"story": "soledar"})) == [a.pk]
        assert _ids(api.get(URL, {"outlet": "tass"})) == [b.pk]
        assert _ids(api.get(URL, {"language": "UK"})) == [c.pk]
        assert _ids(api.get(URL, {"language": "fr"})) == []
        assert _ids(api.get(URL, {"claimant": "nobody"})) == []

    def test_it_filters_by_claimed_and_changed_dates(self, api):
        jan = ClaimFactory(claimed_at=datetime(2023, 1, 10, tzinfo=UTC))
        feb = ClaimFactory(claimed_at=datetime(2023, 2, 10, tzinfo=UTC))
        assert _ids(api.get(URL, {"claimed_after": "2023-02-01T00:00:00Z"})) == [feb.pk]
        assert _ids(api.get(URL, {"claimed_before": "2023-02-01T00:00:00Z"})) == [jan.pk]
        assert _ids(api.get(URL, {"changed_after": "2023-01-10T00:00:00Z", "changed_before": "2023-01-11T00:00Z"})) == [
            jan.pk
        ]
        bad = api.get(URL, {"claimed_after": "last tuesday"})
        assert bad.status_code == 400 and "claimed_after" in bad.json()["error"]["fields"]

    def test_it_searches_full_text(self, api):
        hit = ClaimFactory(text="Russian forces control Soledar.")
        ClaimFactory(text="Ukraine holds Bakhmut.")
        assert _ids(api.get(URL, {"q": "soledar"})) == [hit.pk]

    def test_it_leaves_merged_claims_out_unless_asked(self, api):
        source, target = ClaimFactory(), ClaimFactory()
        services.claim_merge(source_id=source.pk, target_id=target.pk)
        assert _ids(api.get(URL)) == [target.pk]
        assert sorted(_ids(api.get(URL, {"include_merged": "true"}))) == sorted([source.pk, target.pk])

    def test_it_orders_by_claimed_or_changed_on_request(self, api):
        late = ClaimFactory(claimed_at=datetime(2023, 3, 1, tzinfo=UTC))
        early = ClaimFactory(claimed_at=datetime(2023, 1, 1, tzinfo=UTC))
        assert _ids(api.get(URL, {"ordering": "claimed"})) == [late.pk, early.pk]
        assert _ids(api.get(URL, {"ordering": "updated"})) == [early.pk, late.pk]
        assert api.get(URL, {"ordering": "random"}).status_code == 400

    def test_it_uses_a_fixed_number_of_queries_and_no_count(self, api, django_assert_max_num_queries):
        for _ in range(30):
            ClaimFactory(stories=[StoryFactory()])
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(URL, {"page_size": 30})
        assert len(response.json()["results"]) == 30
        sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
        assert "COUNT(" not in sql and "OFFSET" not in sql
        with django_assert_max_num_queries(3):
            api.get(URL, {"page_size": 30})


class TestClaimListConditional:
    def test_it_answers_304_to_a_matching_etag_and_200_after_a_change(self, api):
        claim = ClaimFactory()
        first = api.get(URL)
        etag = first["ETag"]
        again = api.get(URL, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
        # The headers a 200 would carry that describe the resource (RFC 9110 15.4.5), none of the body's.
        assert again["Cache-Control"] == first["Cache-Control"] == "no-cache"
        assert again["Vary"] == first["Vary"] and "Content-Type" not in again
        add_evidence(claim)  # bumps the claim's version
        changed = api.get(URL, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_it_answers_304_without_building_the_rows(self, api, django_assert_max_num_queries):
        for _ in range(10):
            ClaimFactory()
        etag = api.get(URL)["ETag"]
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
        # Only the key query (If-None-Match decides alone): no story array, no Last-Modified query.
        assert len(ctx.captured_queries) == 1
        assert "claims_story" not in " ".join(q["sql"] for q in ctx.captured_queries)

    def test_it_honours_if_modified_since_once_changes_have_settled(self, api, settings):
        ClaimFactory()
        from claims_tracker.claims.models import Claim

        Claim.objects.update(updated_at=datetime(2023, 1, 13, 9, 40, tzinfo=UTC))
        from claims_tracker.claims.models import Claimant

        Claimant.objects.update(updated_at=datetime(2023, 1, 13, 9, 40, tzinfo=UTC))
        response = api.get(URL)
        assert response["Last-Modified"] == "Fri, 13 Jan 2023 09:40:00 GMT"
        assert api.get(URL, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
        earlier = http_date((datetime(2023, 1, 13, 9, 39, tzinfo=UTC)).timestamp())
        assert api.get(URL, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
        assert api.get(URL, HTTP_IF_MODIFIED_SINCE="not a date").status_code == 200

    def test_it_sends_no_last_modified_for_writes_inside_the_settle_lag(self, api, settings):
        settings.API_SYNC_SETTLE_SECONDS = 60
        ClaimFactory()
        response = api.get(URL)
        assert "Last-Modified" not in response and response["ETag"]
        future = http_date((datetime.now(UTC) + timedelta(days=1)).timestamp())
        assert api.get(URL, HTTP_IF_MODIFIED_SINCE=future).status_code == 200


class TestClaimSearchPinned:
    """`q` with a sparse search is pinned to the ids of its matches (selectors.claim_search_pinned)."""

    @pytest.fixture
    def claims(self):
        soledar = [ClaimFactory(text=f"Soledar report {i}.") for i in range(7)]
        ClaimFactory(text="Bakhmut report.")
        return soledar

    def test_pinned_and_plain_searches_list_the_same_claims(self, api, claims, monkeypatch):
        from claims_tracker.claims.selectors import search

        pinned = _walk(api, URL, q="Soledar", page_size=3)
        monkeypatch.setattr(search, "claim_search_is_sparse", lambda query, page_rows=31: False)
        plain = _walk(api, URL, q="Soledar", page_size=3)
        assert pinned == plain and sorted(pinned) == sorted(c.pk for c in claims)

    def test_a_word_no_claim_has_lists_nothing_and_answers_304(self, api, claims):
        response = api.get(URL, {"q": "zzyzx"})
        assert response.status_code == 200 and response.json()["results"] == []
        assert api.get(URL, {"q": "zzyzx"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        ClaimFactory(text="Zzyzx road.")
        assert api.get(URL, {"q": "zzyzx"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200

    def test_a_new_match_changes_the_etag_of_a_pinned_search(self, api, claims):
        first = api.get(URL, {"q": "Soledar"})
        assert api.get(URL, {"q": "Soledar"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        fresh = ClaimFactory(text="Soledar again.")
        again = api.get(URL, {"q": "Soledar"}, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and fresh.pk in _ids(again)

    def test_too_many_matches_are_not_pinned(self, api, claims, monkeypatch):
        from claims_tracker.claims.selectors import search

        monkeypatch.setattr(search, "SEARCH_PIN_LIMIT", 3)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(URL, {"q": "Soledar", "page_size": 100})
        assert sorted(_ids(response)) == sorted(c.pk for c in claims)
        assert not any(" IN (" in q["sql"] and '"claims_claim"."id" IN' in q["sql"] for q in ctx.captured_queries)
