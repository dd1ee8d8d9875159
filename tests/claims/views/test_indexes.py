"""The claimant index (A-Z, track records) and the story index."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Claimant
from tests.factories import ClaimantFactory, StoryFactory

from .conftest import make_claims, set_status


@pytest.mark.django_db
class TestClaimantIndex:
    def test_it_lists_claimants_a_to_z_with_their_track_record(self, client, demo, editor):
        response = client.get(reverse("claims-claimants"))
        assert response.status_code == 200
        groups = response.context["groups"]
        letters = [g.letter for g in groups]
        assert letters == sorted(letters)
        names = [c.name for g in groups for c in g.claimants]
        assert names == sorted(names)
        assert set(names) == set(Claimant.objects.values_list("name", flat=True))
        mod = next(c for g in groups for c in g.claimants if c.slug == "russian-ministry-of-defence")
        assert mod.claims_total == 1
        assert mod.record == {"confirmed": 1}
        html = response.content.decode()
        assert f'href="{mod.get_absolute_url()}"' in html
        assert 'href="?letter=R"' in html

    def test_a_letter_narrows_the_list(self, client, db):
        ClaimantFactory(name="Alpha Unit")
        ClaimantFactory(name="Bravo Unit")
        response = client.get(reverse("claims-claimants"), {"letter": "b"})
        assert [c.name for g in response.context["groups"] for c in g.claimants] == ["Bravo Unit"]
        assert response.context["letter"] == "B"

    def test_a_nul_in_the_letter_is_refused_before_the_view(self, client, db):
        response = client.get(reverse("claims-claimants"), {"letter": "\x00"})
        assert response.status_code == 400  # RefuseNulMiddleware: no NUL reaches a view or PostgreSQL

    @pytest.mark.parametrize("letter", ["Q", "AB", "<script>"])
    def test_it_refuses_a_letter_with_no_claimants_clearly(self, client, db, letter):
        ClaimantFactory(name="Alpha Unit")
        response = client.get(reverse("claims-claimants"), {"letter": letter})
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is no claimant under that letter" in html
        assert "<script>" not in html.split("</nav>", 1)[1]
        assert "Alpha Unit" in html  # the whole index is still there to pick from

    def test_counts_are_final_states_only(self, client, db, editor):
        claimant = ClaimantFactory(name="Counted")
        claims = make_claims(3, claimant=claimant)
        set_status(claims[0], "refuted", user=editor)
        set_status(claims[1], "disputed", user=editor)
        [row] = [c for g in client.get(reverse("claims-claimants")).context["groups"] for c in g.claimants]
        assert row.claims_total == 3
        assert row.record == {"refuted": 1}

    def test_merged_claims_are_not_counted(self, client, db, editor):
        from claims_tracker.claims import services

        claims = make_claims(3, claimant=ClaimantFactory(name="Merged"))
        services.claim_merge(source_id=claims[0].pk, target_id=claims[1].pk, user=editor)
        [row] = [c for g in client.get(reverse("claims-claimants")).context["groups"] for c in g.claimants]
        assert row.claims_total == 2

    @pytest.mark.parametrize("n", [3, 60])
    def test_its_query_count_does_not_grow_with_claimants(self, client, db, django_assert_num_queries, n):
        for i in range(n):
            make_claims(2, claimant=ClaimantFactory(name=f"Claimant {i:03}"))
        # The versions, the letters, the claimants, and their counts (one grouped query).
        with django_assert_num_queries(4):
            response = client.get(reverse("claims-claimants"))
        assert sum(len(g.claimants) for g in response.context["groups"]) == n

    def test_the_claimant_page_breadcrumb_links_to_the_index(self, client, demo):
        html = client.get(reverse("claims-claimant", args=["hanna-malyar"])).content.decode()
        assert f'<a href="{reverse("claims-claimants")}">Claimants</a></nav>' in html


@pytest.mark.django_db
class TestStoryIndex:
    def test_it_lists_every_story_newest_first(self, client, demo):
        from datetime import date

        StoryFactory(title="A later story", started_on=date(2024, 5, 1))
        response = client.get(reverse("claims-stories"))
        assert response.status_code == 200
        assert [s.title for s in response.context["stories"]][:2] == ["A later story", "Battle for Soledar"]
        assert 'href="/stories/battle-for-soledar/"' in response.content.decode()

    def test_its_query_count_is_constant(self, client, db, django_assert_num_queries):
        for _ in range(20):
            StoryFactory()
        with django_assert_num_queries(2):  # the versions, the stories
            client.get(reverse("claims-stories"))

    def test_the_story_page_breadcrumb_links_to_the_index(self, client, demo):
        html = client.get(reverse("claims-story", args=["battle-for-soledar"])).content.decode()
        assert f'<a href="{reverse("claims-stories")}">Stories</a></nav>' in html

    def test_indexes_refuse_a_post(self, client, db):
        assert client.post(reverse("claims-stories")).status_code == 405
        assert client.post(reverse("claims-claimants")).status_code == 405
