"""Claimant and report fields are typed, not picked from a list of every row: a page with a million reports
loads as fast as one with ten. They take a number, a suggestion ("Name #12"), a name or alias, or an address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.services import claimant_add_aliases
from claims_tracker.desk.forms.claims import AppearanceForm
from claims_tracker.desk.forms.common import ClaimantRefField
from claims_tracker.desk.forms.people import ClaimantForm
from tests.factories import ArticleFactory, ClaimantFactory


@pytest.fixture
def ministry(db):
    claimant = ClaimantFactory(name="Russian Defence Ministry", role="Ministry")
    claimant_add_aliases(claimant=claimant, aliases=["Moscow's Defense Ministry"])
    return claimant


class TestClaimantRefField:
    @pytest.mark.parametrize(
        "typed",
        [
            "{pk}",
            "#{pk}",
            " {pk} ",
            "Russian Defence Ministry #{pk}",
            "russian defence ministry",
            "Moscow’s defense ministry",
        ],
    )
    def test_it_takes_a_number_a_suggestion_a_name_or_an_alias(self, ministry, typed):
        assert ClaimantRefField().clean(typed.format(pk=ministry.pk)) == ministry

    def test_the_number_of_a_suggestion_wins_over_its_text(self, ministry):
        other = ClaimantFactory(name="Wagner Group")
        assert ClaimantRefField().clean(f"Russian Defence Ministry #{other.pk}") == other

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("999999", "There is no claimant #999999."),
            ("Nobody Here", "No claimant is named “Nobody Here”"),
            ("John Smith", "Several claimants are named “John Smith”"),
        ],
    )
    def test_it_says_what_is_wrong(self, db, typed, message):
        ClaimantFactory(name="John Smith")
        ClaimantFactory(name="John Smith")
        field = ClaimantRefField()
        with pytest.raises(Exception) as error:
            field.clean(typed)
        assert message in " ".join(error.value.messages)

    def test_empty_is_none_when_optional_and_refused_when_required(self, db):
        assert ClaimantRefField(required=False).clean("  ") is None
        with pytest.raises(Exception, match="required"):
            ClaimantRefField().clean("")

    def test_a_bound_form_shows_the_claimant_as_a_suggestion_would(self, ministry):
        form = ClaimantForm(initial={"affiliation": ministry})
        assert f'value="Russian Defence Ministry #{ministry.pk}"' in str(form["affiliation"])
        assert 'list="claimant-names"' in str(form["affiliation"])

    def test_a_claimant_cannot_belong_to_itself(self, ministry):
        form = ClaimantForm({"name": "X", "kind": "person", "affiliation": str(ministry.pk)}, instance=ministry)
        assert not form.is_valid()
        assert form.errors["affiliation"] == ["A claimant cannot belong to itself."]


class TestReportRef:
    def test_it_takes_a_number_or_an_address(self, db):
        article = ArticleFactory(url="https://news.example/soledar")
        for typed in (str(article.pk), f"Some title #{article.pk}", "https://news.example/soledar"):
            form = AppearanceForm({"article": typed, "stance": "asserts", "mode": "statement"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["article"] == article

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("https://news.example/never-added", "No report has the address"),
            ("the one about Soledar", "Give the report's number"),
            ("#987654", "There is no report #987654."),
        ],
    )
    def test_it_says_what_is_wrong(self, db, typed, message):
        form = AppearanceForm({"article": typed, "stance": "asserts", "mode": "statement"})
        assert not form.is_valid()
        assert message in form.errors["article"][0]


class TestClaimantLookup:
    def test_it_suggests_names_that_start_with_the_text_first(self, editor_client, ministry):
        ClaimantFactory(name="Ministry of Foreign Affairs")
        response = editor_client.get(reverse("desk-claimant-lookup"), {"q": "minis"})
        assert response.status_code == 200
        values = [row["value"] for row in response.json()["results"]]
        assert values[0].startswith("Ministry of Foreign Affairs #")
        assert f"Russian Defence Ministry #{ministry.pk}" in values

    def test_it_finds_aliases_and_answers_empty_for_nothing(self, editor_client, ministry):
        found = editor_client.get(reverse("desk-claimant-lookup"), {"q": "Moscow"}).json()["results"]
        assert [row["value"] for row in found] == [f"Russian Defence Ministry #{ministry.pk}"]
        assert editor_client.get(reverse("desk-claimant-lookup"), {"q": "  "}).json() == {"results": []}
        hostile = editor_client.get(reverse("desk-claimant-lookup"), {"q": "%' OR 1=1 --" * 50})
        assert hostile.status_code == 200 and hostile.json() == {"results": []}

    def test_the_claim_page_lists_no_claimant_or_report_in_full(self, editor_client, claim):
        for _ in range(30):
            ArticleFactory()
        html = editor_client.get(reverse("desk-claim-edit", args=[claim.pk])).content.decode()
        for name in ("claimant", "app-article", "app-speaker"):
            assert f'<select name="{name}"' not in html and f'name="{name}"' in html
        reports = html.split('<datalist id="report-refs">')[1].split("</datalist>")[0]
        assert reports.count("<option") == 20  # the newest, as suggestions


class TestStoriesList:
    def test_it_marks_the_chosen_and_escapes_titles(self, db):
        from claims_tracker.desk.forms.claims import ClaimForm
        from tests.factories import StoryFactory

        chosen, other = StoryFactory(title="Battle of Soledar"), StoryFactory(title="<script>alert(1)</script>")
        html = str(ClaimForm(initial={"stories": [chosen.pk]}, prefix="a")["stories"])
        assert f'value="{chosen.pk}" id="id_a-stories_1" checked> Battle of Soledar</label>' in html
        assert (
            f'value="{other.pk}" id="id_a-stories_0">' in html and "&lt;script&gt;" in html and "<script>" not in html
        )
        form = ClaimForm({"text": "x", "claimant": "", "stories": [str(other.pk)]})
        form.is_valid()
        assert list(form.cleaned_data["stories"]) == [other]
