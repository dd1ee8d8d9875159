"""The claims list: rows, filters, search with highlights, sorts, keyset pages, query counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims_tracker.claims import selectors, services
from claims_tracker.claims.models import Appearance, Claim, Stance, Status
from claims_tracker.claims.pagination import SORTS, CursorError, decode_cursor
from claims_tracker.lib import cache
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, OutletFactory, StoryFactory, add_evidence

from .conftest import make_claims

URL = reverse("claims-list")


def texts(response) -> list[str]:
    return [c.text for c in response.context["claims"]]


@pytest.mark.django_db
class TestClaimList:
    def test_it_shows_each_row_with_badge_claimant_affiliation_outlets_and_dispute(self, client, demo):
        response = client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Russian forces have taken control of the town of Soledar." in html
        assert 'class="badge badge--confirmed"' in html and "Confirmed" in html
        assert "Hanna Malyar" in html and "(Ministry of Defence of Ukraine)" in html
        mod = next(c for c in response.context["claims"] if c.claimant.slug == "russian-ministry-of-defence")
        assert mod.outlet_count == 1
        assert mod.is_disputed is True
        kyr = next(c for c in response.context["claims"] if c.claimant.slug == "pavlo-kyrylenko")
        assert kyr.is_disputed is False
        assert 'rel="alternate" type="application/atom+xml"' in html

    def test_it_filters_by_state(self, client, demo):
        response = client.get(URL, {"status": "confirmed"})
        assert texts(response) == ["Russian forces have taken control of the town of Soledar."]

    def test_it_filters_by_claimant_story_outlet_and_dates(self, client, demo):
        assert len(texts(client.get(URL, {"claimant": "samuel-ramani"}))) == 2
        assert len(texts(client.get(URL, {"story": "battle-for-soledar"}))) == 6
        assert texts(client.get(URL, {"outlet": "ukrainian-military"})) == []
        assert len(texts(client.get(URL, {"outlet": "nbc-news"}))) == 6
        dated = texts(client.get(URL, {"claimed_from": "2023-01-11", "claimed_to": "2023-01-11"}))
        assert dated == ["Wagner Group fighters alone are in control of Soledar."]

    def test_it_reports_bad_filter_values_and_keeps_the_good_ones(self, client, demo):
        response = client.get(URL, {"claimant": "nobody-at-all", "claimed_from": "2023-13-45", "status": "confirmed"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "No claimant by that name" in html
        assert "Enter a date as YYYY-MM-DD." in html
        assert texts(response) == ["Russian forces have taken control of the town of Soledar."]
        reversed_range = client.get(URL, {"claimed_from": "2023-02-01", "claimed_to": "2023-01-01"})
        assert "The end date is before the start date." in reversed_range.content.decode()

    def test_it_searches_with_ranking_and_escaped_highlights(self, client, db):
        hostile = ClaimFactory(text="<script>alert(1)</script> Soledar is taken")
        ClaimFactory(text="Bakhmut is quiet")
        response = client.get(URL, {"q": "Soledar"})
        assert texts(response) == [hostile.text]
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Soledar</mark> is taken" in html
        assert response.context["sort"].key == "relevance"

    def test_it_shows_an_empty_state_that_says_what_to_do(self, client, db):
        assert "No claims logged yet" in client.get(URL).content.decode()
        ClaimFactory(text="Something")
        html = client.get(URL, {"q": "zanzibar"}).content.decode()
        assert "No claims match" in html and "Show all claims" in html

    def test_it_sorts_by_latest_change(self, client, editor, db):
        newer, older = make_claims(2)
        add_evidence(older)
        services.claim_change_status(claim_id=older.pk, to_status=Status.DISPUTED, rationale="Contested.", user=editor)
        assert texts(client.get(URL))[0] == newer.text
        assert texts(client.get(URL, {"sort": "changed"}))[0] == older.text

    def test_it_pages_with_keyset_cursors_both_ways(self, client, db):
        claims = make_claims(65)
        expected = [c.text for c in claims]  # newest first
        first = client.get(URL)
        assert texts(first) == expected[:30]
        nxt = first.context["next_url"]
        assert nxt and not first.context["prev_url"]
        second = client.get(URL + nxt.replace("&amp;", "&"))
        assert texts(second) == expected[30:60]
        third = client.get(URL + second.context["next_url"])
        assert texts(third) == expected[60:]
        assert not third.context["next_url"]
        back = client.get(URL + third.context["prev_url"])
        assert texts(back) == expected[30:60]
        back_again = client.get(URL + back.context["prev_url"])
        assert texts(back_again) == expected[:30]
        assert not back_again.context["prev_url"]

    def test_it_keeps_filters_across_pages(self, client, db):
        claimant = ClaimantFactory(slug="kept")
        make_claims(35, claimant=claimant)
        make_claims(5)
        first = client.get(URL, {"claimant": "kept"})
        assert "claimant=kept" in first.context["next_url"]
        assert len(texts(client.get(URL + first.context["next_url"]))) == 5

    def test_it_explains_a_bad_cursor_and_shows_the_first_page(self, client, db):
        make_claims(3)
        response = client.get(URL, {"after": "not-a-cursor"})
        assert response.status_code == 400
        assert "That page link is not valid" in response.content.decode()
        assert len(texts(response)) == 3

    def test_it_hides_merged_claims(self, client, db):
        source, target = make_claims(2)
        services.claim_merge(source_id=source.pk, target_id=target.pk)
        assert texts(client.get(URL)) == [target.text]

    def test_it_rejects_post(self, client, db):
        assert client.post(URL).status_code == 405

    @pytest.mark.parametrize("n", [10, 100])
    def test_its_query_count_does_not_grow_with_rows(self, client, db, django_assert_max_num_queries, n):
        story = StoryFactory()
        outlet = OutletFactory()
        claims = make_claims(n, stories=[story])
        article = ArticleFactory(outlet=outlet)
        Appearance.objects.bulk_create(
            [Appearance(claim=c, article=article, stance=Stance.DISPUTES, quote="No.") for c in claims]
        )
        # The page's rows with their facts (picked and read in one query), and the three filter
        # menus (cold cache).
        cache.forget("claims:list-menus:v2")
        with django_assert_max_num_queries(5):  # + the versions
            client.get(URL)
        # Search adds the headline query, the words' shape and statistics (each cached per process,
        # cold here) and, where the statement tier runs out, the second tier; every filter resolves
        # its slug once; menus now cached.
        params = {"q": "town", "story": story.slug, "outlet": outlet.slug, "status": "unverified"}
        selectors.search_statistics_reset()
        with django_assert_max_num_queries(9):
            response = client.get(URL, params)
        assert len(response.context["claims"]) == min(n, 30)


@pytest.mark.django_db
class TestRowFacts:
    """The list's rows are read by written-out SQL (selectors/claim_sql.py); the ORM's definitions
    of a row's facts (claim_list(annotate=True)) are the reference they must agree with."""

    def test_the_written_out_rows_agree_with_the_orm(self, db, django_assert_num_queries):
        from claims_tracker.claims.models import RelationKind

        ministry = ClaimantFactory(name="Ministry")
        plain, disputed, contradicted, contradicting, two_outlets, no_outlet = make_claims(
            6, claimant=ClaimantFactory(affiliation=ministry)
        )
        outlet = OutletFactory()
        for claim, stance, article in [
            (disputed, Stance.DENIES, ArticleFactory(outlet=outlet)),
            (two_outlets, Stance.ASSERTS, ArticleFactory(outlet=outlet)),
            (two_outlets, Stance.REPORTS, ArticleFactory(outlet=outlet)),  # the same outlet twice
            (two_outlets, Stance.CONFIRMS, ArticleFactory(outlet=OutletFactory())),
            (no_outlet, Stance.DISPUTES, ArticleFactory(outlet=None)),
        ]:
            Appearance.objects.create(claim=claim, article=article, stance=stance)
        services.claim_relate(from_claim=contradicting, to_claim=contradicted, kind=RelationKind.CONTRADICTS)
        services.claim_relate(from_claim=plain, to_claim=two_outlets, kind=RelationKind.SUPPORTS)
        ids = [c.pk for c in (no_outlet, plain, disputed, contradicted, contradicting, two_outlets)]
        reference = {c.pk: (c.outlet_count, c.is_disputed) for c in selectors.claim_list().filter(pk__in=ids)}
        assert reference == {
            plain.pk: (0, False),
            disputed.pk: (1, True),
            contradicted.pk: (0, True),
            contradicting.pk: (0, True),
            two_outlets.pk: (2, False),
            no_outlet.pk: (0, True),
        }
        with django_assert_num_queries(1):
            rows = selectors.claim_rows([*ids, 987654])  # in the order asked; a missing id is left out
            assert [c.pk for c in rows] == ids
            assert {c.pk: (c.outlet_count, c.is_disputed) for c in rows} == reference
            assert {c.claimant.affiliation.name for c in rows} == {"Ministry"}  # joined, no query
        with django_assert_num_queries(1):
            facts = selectors.claim_row_facts(ids)
        assert {pk: (f.outlet_count, f.is_disputed) for pk, f in facts.items()} == reference
        assert selectors.claim_rows([]) == [] and selectors.claim_row_facts([]) == {}


class TestCursor:
    def test_it_rejects_tampered_cursors(self):
        for bad in ["", "!!!", "eyJ4IjoxfQ", "WyIyMDIzIiwidHJ1ZSJd", "WzEuNSwxXQ"]:
            with pytest.raises(CursorError):
                decode_cursor(SORTS["claimed"], bad)

    def test_it_round_trips(self):
        claim = Claim(pk=7, claimed_at=datetime(2023, 1, 13, 6, 0, 0, 123, tzinfo=UTC))
        from claims_tracker.claims.pagination import encode_cursor

        assert decode_cursor(SORTS["claimed"], encode_cursor(SORTS["claimed"], claim)) == (claim.claimed_at, 7)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", encode_cursor(SORTS["claimed"], claim))


class TestFilterMenus:
    def test_the_chosen_claimant_is_selected_and_names_are_escaped(self, client, db):
        cache.forget("claims:list-menus:v2")
        chosen = ClaimantFactory(name="<b>Malyar</b> & co", slug="malyar")
        other = ClaimantFactory(name="Prigozhin", slug="prigozhin")
        ClaimFactory(claimant=chosen)
        html = client.get(URL, {"claimant": "malyar"}).content.decode()
        assert '<option value="malyar" selected>&lt;b&gt;Malyar&lt;/b&gt; &amp; co</option>' in html
        assert f'<option value="{other.slug}">Prigozhin</option>' in html
        assert html.count(" selected>") == 1 + 1  # the claimant, and the sort menu's choice

    def test_a_choice_past_the_menu_limit_is_still_shown_selected(self, client, db, monkeypatch):
        from claims_tracker.claims.views import lists

        cache.forget("claims:list-menus:v2")
        monkeypatch.setattr(lists, "MENU_LIMIT", 1)
        ClaimantFactory(name="Aaa first", slug="aaa")
        ClaimantFactory(name="Zzz last", slug="zzz")
        html = client.get(URL, {"claimant": "zzz"}).content.decode()
        assert '<option value="zzz" selected>Zzz last</option>' in html
        assert '<option value="aaa">Aaa first</option>' in html
