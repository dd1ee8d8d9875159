"""The claimant page: role, affiliation chain, aliases, track record from final states only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Status
from tests.factories import ClaimantFactory

from .conftest import make_claims, set_status


@pytest.mark.django_db
class TestClaimantDetail:
    def test_it_shows_role_chain_aliases_and_feed_link(self, client, demo):
        response = client.get(reverse("claims-claimant", args=["igor-konashenkov"]))
        html = response.content.decode()
        assert "Lieutenant General, spokesman of the Russian Defence Ministry" in html
        assert [c.slug for c in response.context["chain"]] == ["russian-ministry-of-defence"]
        assert "Lt Gen Igor Konashenkov" in html
        assert reverse("claims-feed-claimant", args=["igor-konashenkov"]) in html

    def test_it_counts_final_states_only_with_the_claims_behind(self, client, editor, db):
        claimant = ClaimantFactory()
        confirmed, refuted, disputed, logged = make_claims(4, claimant=claimant)
        for claim, status in [(confirmed, Status.CONFIRMED), (refuted, Status.REFUTED), (disputed, Status.DISPUTED)]:
            set_status(claim, status, editor)
        response = client.get(claimant.get_absolute_url())
        record = {line.status: (line.count, [c.pk for c in line.claims]) for line in response.context["record"]}
        assert record == {
            Status.CONFIRMED: (1, [confirmed.pk]),
            Status.PARTLY_CONFIRMED: (0, []),
            Status.REFUTED: (1, [refuted.pk]),
            Status.RETRACTED: (0, []),
        }
        assert response.context["record_total"] == 2
        assert {c.pk for c in response.context["open_claims"]} == {disputed.pk, logged.pk}

    def test_it_says_when_there_is_no_record_yet(self, client, db):
        claimant = ClaimantFactory(name="Newcomer")
        make_claims(1, claimant=claimant)
        assert "no track record to show" in client.get(claimant.get_absolute_url()).content.decode()

    def test_its_query_count_is_constant(self, client, editor, db, django_assert_max_num_queries):
        claimant = ClaimantFactory()
        for claim in make_claims(40, claimant=claimant):
            set_status(claim, Status.REFUTED, editor)
        with django_assert_max_num_queries(7):
            response = client.get(claimant.get_absolute_url())
        refuted = next(line for line in response.context["record"] if line.status == Status.REFUTED)
        assert refuted.count == 40 and len(refuted.claims) == 20
        assert "All 40 refuted claims" in response.content.decode()

    def test_it_answers_404_for_an_unknown_slug(self, client, db):
        assert client.get(reverse("claims-claimant", args=["nobody"])).status_code == 404
