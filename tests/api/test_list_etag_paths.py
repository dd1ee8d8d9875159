"""The two ways a list page's ETag is made (from the fetched rows, and from one aggregate query
for a conditional request, compiled once per request shape) must agree on every page, and move
whenever what the page shows moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims_tracker.api import etag_keys, shapes
from claims_tracker.claims import services
from claims_tracker.claims.models import Claim, Claimant, Status
from tests.factories import ClaimantFactory, ClaimFactory, StoryFactory

URL = "/api/v1/claims/"
pytestmark = pytest.mark.django_db


def _pages(api, params: dict) -> list[tuple[dict, str]]:
    """Every page of a walk: (query, ETag of the full response)."""
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        pages.append((query, response["ETag"]))
        body = response.json()
        if not body["has_more"]:
            return pages
        cursor = body["next_cursor"]


def _claims(n: int) -> list[Claim]:
    claimant = ClaimantFactory(name="Name: with, separators")
    claims = [ClaimFactory(claimant=claimant if i % 2 else ClaimantFactory()) for i in range(n)]
    # Equal timestamps (ties broken by id) and a whole second (no microseconds) on purpose.
    Claim.objects.filter(pk__in=[c.pk for c in claims[:3]]).update(updated_at=datetime(2023, 1, 13, 9, 40, tzinfo=UTC))
    return claims


class TestEtagPathsAgree:
    @pytest.mark.parametrize(
        "params",
        [
            {"page_size": 2},
            {"page_size": 3, "ordering": "claimed"},
            {"page_size": 2, "ordering": "changed", "include_merged": "true"},
            {"page_size": 2, "state": ["unverified", "confirmed"]},
        ],
    )
    def test_it_answers_304_on_every_page_of_every_walk(self, api, params):
        _claims(7)
        pages = _pages(api, params)
        assert len(pages) >= 3
        for _ in range(2):  # the second round runs the compiled key query again
            for query, etag in pages:
                response = api.get(URL, query, HTTP_IF_NONE_MATCH=etag)
                assert response.status_code == 304, (query, response.content)
                assert response["ETag"] == etag

    def test_it_uses_one_query_for_a_304_on_a_cursor_page_too(self, api):
        _claims(5)
        query, etag = _pages(api, {"page_size": 2})[1]
        api.get(URL, query, HTTP_IF_NONE_MATCH=etag)  # compiles the key query for this shape
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL, query, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert len(ctx.captured_queries) == 1 and "string_agg" in ctx.captured_queries[0]["sql"]

    def test_it_keeps_the_etag_of_one_page_apart_from_another(self, api):
        _claims(4)
        (first, first_etag), (second, second_etag) = _pages(api, {"page_size": 2})
        assert first_etag != second_etag
        assert api.get(URL, second, HTTP_IF_NONE_MATCH=first_etag).status_code == 200


class TestEtagMoves:
    def test_it_moves_when_a_claimant_is_renamed(self, api):
        claim = ClaimFactory()
        etag = api.get(URL)["ETag"]
        claimant = Claimant.objects.get(pk=claim.claimant_id)
        services.claimant_update(claimant_id=claimant.pk, expected_version=claimant.version, name="Someone Else")
        response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and response.json()["results"][0]["claimant"]["name"] == "Someone Else"

    def test_it_moves_when_the_page_gains_a_next_page(self, api):
        claims = [ClaimFactory() for _ in range(2)]
        response = api.get(URL, {"page_size": 2})
        assert response.json()["has_more"] is False
        # Older than both, so the page's rows stay the same: only `has_more` and `next` change.
        older = ClaimFactory()
        Claim.objects.filter(pk=older.pk).update(updated_at=min(c.updated_at for c in claims) - timedelta(days=1))
        again = api.get(URL, {"page_size": 2}, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 200 and again.json()["has_more"] is True

    def test_it_moves_when_a_claim_changes_state(self, api):
        claim = ClaimFactory()
        etag = api.get(URL, {"state": "unverified"})["ETag"]
        services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="Doubts.")
        assert api.get(URL, {"state": "unverified"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


class TestListRowShape:
    def test_it_shows_a_list_row_exactly_as_the_detail_does(self, api):
        whole = ClaimFactory(stories=[StoryFactory(slug="b-story"), StoryFactory(slug="a-story")])
        Claim.objects.filter(pk=whole.pk).update(claimed_at=datetime(2023, 1, 13, 9, 40, tzinfo=UTC))
        fractional = ClaimFactory()
        Claim.objects.filter(pk=fractional.pk).update(claimed_at=datetime(2023, 1, 13, 9, 40, 1, 5, tzinfo=UTC))
        services.claim_change_status(claim_id=fractional.pk, to_status=Status.DISPUTED, rationale="Doubts.")
        rows = {row["id"]: row for row in api.get(URL).json()["results"]}
        for claim in Claim.objects.filter(pk__in=[whole.pk, fractional.pk]):
            detail = api.get(f"{URL}{claim.pk}/").json()
            assert rows[claim.pk] == {
                **{key: detail[key] for key in rows[claim.pk]},
                "claimant": {key: detail["claimant"][key] for key in ("id", "slug", "name")},
            }
            # Timestamps written by PostgreSQL (lists) read as Python writes them (everything else).
            for field in ("claimed_at", "status_changed_at", "created_at", "updated_at"):
                assert rows[claim.pk][field] == shapes.iso(getattr(claim, field))
        assert rows[whole.pk]["claimed_at"] == "2023-01-13T09:40:00Z"
        assert rows[fractional.pk]["claimed_at"] == "2023-01-13T09:40:01.000005Z"
        assert rows[whole.pk]["stories"] == ["a-story", "b-story"]


class TestKeyText:
    def test_it_cannot_be_fooled_by_separators_in_text(self):
        ClaimantFactory(name="a:1")
        ClaimantFactory(name="a")
        keys = etag_keys.with_row_keys(Claimant.objects.order_by("id"), ("name", "id"))
        texts = list(keys.values_list(etag_keys.ALIAS, flat=True))
        assert texts[0].startswith("3/a:1|") and texts[1].startswith("1/a|")
