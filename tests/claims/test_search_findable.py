"""Search that finds what people type: misspellings ("did you mean", pg_trgm), Cyrillic and
transliterated names (search aliases, claimant aliases), accents, and the help text's syntax."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims import selectors, services
from claims_tracker.claims.demo import load_demo
from claims_tracker.claims.models import Claim
from claims_tracker.claims.services import ServiceError
from tests.factories import ClaimFactory


@pytest.fixture
def demo(db):
    load_demo()
    selectors.search_statistics_reset()
    yield
    selectors.search_statistics_reset()


def found(query: str) -> set[int]:
    return set(selectors.claim_search(Claim.objects.all(), query, ranked=False).values_list("pk", flat=True))


def by(slug: str) -> set[int]:
    return set(Claim.objects.filter(claimant__slug=slug).values_list("pk", flat=True))


def listed(client, query: str):
    response = client.get(reverse("claims-list"), {"q": query})
    assert response.status_code == 200
    return response


@pytest.mark.django_db
class TestSearchFindsWhatPeopleType:
    def test_a_cyrillic_place_finds_the_claims_about_it(self, client, demo):
        assert found("Соледар") == found("Soledar") != set()
        response = listed(client, "Соледар")
        assert {c.pk for c in response.context["claims"]} == found("Soledar")

    def test_old_and_transliterated_names_find_the_place(self, demo):
        bakhmut = found("Bakhmut")
        assert bakhmut and bakhmut <= by("samuel-ramani")
        for name in ("Artemovsk", "Artyomovsk", "Артемовск", "Артёмовск", "Бахмут", "artemovsk"):
            assert found(name) == bakhmut, name

    def test_a_cyrillic_claimant_alias_finds_their_claims(self, demo):
        assert by("yevgeny-prigozhin") <= found("Пригожин")

    def test_accents_are_ignored_in_what_is_typed(self, demo):
        assert found("Sóledár") == found("Soledar")

    def test_an_alias_keeps_its_place_in_a_phrase_and_after_a_minus(self, demo):
        assert found('"salt-mining Соледар"') == found('"salt-mining Soledar"')
        every = found("Soledar")
        assert found("Soledar -Бахмут") == found("Soledar -Bakhmut") == every - found("Bakhmut")
        assert found("Soledar -Bakhmut") != every

    def test_phrase_minus_and_or_work_as_the_help_text_says(self, client, demo):
        assert found("tunnels OR Wagner") == found("tunnels") | found("Wagner")
        assert found("tunnels") and found("Wagner") and not found("tunnels") >= found("Wagner")
        assert found("Soledar -tunnels") == found("Soledar") - found("tunnels")
        assert found('"battles continued"') <= found("battles continued")
        assert found('"continued battles"') == set()  # a phrase keeps its order
        assert "OR between words" in listed(client, "").content.decode()

    @pytest.mark.parametrize(
        ("typed", "meant"), [("Soledr", "Soledar"), ("Prigozin", "Prigozhin"), ("soledr tunnels", "soledar tunnels")]
    )
    def test_a_misspelling_gets_a_did_you_mean(self, client, demo, typed, meant):
        assert found(typed) == set()
        response = listed(client, typed)
        assert response.context["suggestion"] == meant
        html = response.content.decode()
        assert "Did you mean" in html
        assert meant in html
        assert found(meant) != set()  # the suggestion finds something

    def test_no_suggestion_when_the_search_finds_claims_or_nothing_resembles(self, client, demo):
        assert listed(client, "Soledar").context["suggestion"] == ""
        assert listed(client, "zzzzqqq").context["suggestion"] == ""
        assert "Did you mean" not in listed(client, "zzzzqqq").content.decode()

    def test_the_suggestion_is_escaped_and_keeps_the_filters(self, client, demo):
        response = client.get(reverse("claims-list"), {"q": "Soledr <script>", "status": "confirmed"})
        html = response.content.decode()
        assert "<script>" not in html.split("<main", 1)[1]
        assert response.context["suggestion_url"].startswith("?")
        assert "status=confirmed" in response.context["suggestion_url"]

    @pytest.mark.parametrize("query", ["'", "Соледар & | ! <->", "-", '"', "OR", "Соледар:*", "\\", "а' | 'b"])
    def test_hostile_queries_with_aliases_are_harmless(self, client, demo, query):
        assert listed(client, query).status_code == 200
        selectors.claim_search(Claim.objects.all(), query).count()


@pytest.mark.django_db
class TestSearchAliasSet:
    def test_it_sets_and_changes_an_alias(self, db):
        services.search_alias_set(alias=" Kramatorsk ", means="Краматорськ")
        alias = services.search_alias_set(alias="kramatorsk", means="Kramatorsk city")
        assert (alias.alias, alias.means, alias.normalized) == ("kramatorsk", "Kramatorsk city", "kramatorsk")

    @pytest.mark.parametrize(("alias", "means"), [("", "x"), ("...", "x"), ("Bakhmut", ""), ("Bákhmut", "bakhmut")])
    def test_it_refuses_empty_or_circular_aliases(self, db, alias, means):
        with pytest.raises(ServiceError):
            services.search_alias_set(alias=alias, means=means)

    def test_a_new_alias_is_searched(self, db):
        ClaimFactory(text="Shelling reported near Kramatorsk.")
        selectors.search_statistics_reset()
        assert not selectors.claim_search(Claim.objects.all(), "Краматорськ").exists()
        services.search_alias_set(alias="Краматорськ", means="Kramatorsk")
        selectors.search_statistics_reset()  # the alias map is kept a minute per process
        assert selectors.claim_search(Claim.objects.all(), "Краматорськ").exists()
