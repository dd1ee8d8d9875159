"""Speakers as written matched to claimants: exact, inside a longer phrase, fuzzy; never the wrong one."""

from __future__ import annotations

import pytest

from claims_tracker.claims.demo import load_demo
from claims_tracker.claims.models import Claimant
from claims_tracker.ingest.matching import ClaimantMatcher

PEOPLE = [
    (1, "Russian Ministry of Defence", ["Russia's Defense Ministry", "Moscow's Defense Ministry"]),
    (2, "Igor Konashenkov", ["Konashenkov", "Lieutenant General Igor Konashenkov"]),
    (3, "Wagner Group", ["Wagner"]),
    (4, "Yevgeny Prigozhin", ["Prigozhin", "Wagner's boss"]),
    (5, "Hanna Malyar", ["Malyar", "Hanna Maliar"]),
    (6, "Ministry of Defence of Ukraine", ["Ukraine's Defense Ministry"]),
    (7, "John Smith", ["Smith"]),
    (8, "Jane Smith", ["Smith"]),
]


@pytest.fixture
def matcher() -> ClaimantMatcher:
    return ClaimantMatcher(PEOPLE)


class TestClaimantMatcher:
    @pytest.mark.parametrize(
        ("name", "claimant_id"),
        [
            ("Moscow’s Defense Ministry", 1),  # curly apostrophe, normalised
            ("the Russia's Defense Ministry", 1),
            ("KONASHENKOV", 2),
            ("Hanna Maliar", 5),
        ],
    )
    def test_it_matches_an_exact_alias(self, matcher, name, claimant_id):
        result = matcher.match(name)
        assert (result.claimant_id, result.score, result.ambiguous) == (claimant_id, 1.0, False)

    @pytest.mark.parametrize(
        ("name", "claimant_id"),
        [
            ("Wagner's boss Yevgeny Prigozhin", 4),  # the longest alias, and the one ending the phrase, wins
            ("Ukraine's Deputy Defense Minister Hanna Malyar", 5),
            ("Russia's Defense Ministry spokesman Igor Konashenkov", 2),  # the head is the person, not the ministry
        ],
    )
    def test_it_finds_an_alias_inside_titles_and_organisations(self, matcher, name, claimant_id):
        result = matcher.match(name)
        assert result.claimant_id == claimant_id
        assert 0.8 <= result.score < 1.0

    @pytest.mark.parametrize(
        ("name", "claimant_id"),
        [
            ("the Ukrainian defence ministry", 6),  # adjective for possessive, British spelling
            ("Defense Ministry of Ukraine", 6),  # "X of Y" for "Y's X"
        ],
    )
    def test_it_matches_the_same_role_written_another_way(self, matcher, name, claimant_id):
        result = matcher.match(name)
        assert (result.claimant_id, result.score, result.ambiguous) == (claimant_id, 0.95, False)

    def test_boss_head_and_chief_are_one_role(self):
        matcher = ClaimantMatcher([(1, "Jerome Powell", ["Fed chief"]), (2, "Janet Yellen", ["Treasury Secretary"])])
        assert matcher.match("the Fed boss").claimant_id == 1
        assert matcher.match("head of the Fed").claimant_id == 1

    def test_a_role_written_another_way_that_two_claimants_hold_is_left_to_the_editor(self):
        matcher = ClaimantMatcher(
            [(1, "Ann Lee", ["Ukraine's foreign minister"]), (2, "Bo Kim", ["Ukrainian Foreign Minister"])]
        )
        result = matcher.match("the foreign minister of Ukraine")
        assert result.claimant_id is None and result.ambiguous

    def test_it_matches_a_spelling_variant(self, matcher):
        result = matcher.match("Yevgeny Prigozin")
        assert result.claimant_id == 4
        assert result.score >= 0.9

    def test_it_leaves_an_ambiguous_name_to_the_editor(self, matcher):
        result = matcher.match("Smith")
        assert result.claimant_id is None
        assert result.ambiguous
        assert {c.claimant_id for c in result.candidates} == {7, 8}

    def test_it_does_not_take_another_person_with_the_same_surname(self, matcher):
        result = matcher.match("Richard Wagner")
        assert result.claimant_id is None
        assert [c.claimant_id for c in result.candidates] == [3]

    def test_it_leaves_a_weak_fuzzy_match_as_a_candidate_only(self, matcher):
        result = matcher.match("Defense Ministry")
        assert result.claimant_id is None
        assert {c.claimant_id for c in result.candidates} >= {1, 6}

    @pytest.mark.parametrize("name", ["", "   ", "he", "NBC News", "!!!"])
    def test_it_matches_nothing_for_unknown_or_empty_names(self, matcher, name):
        assert matcher.match(name).claimant_id is None

    def test_it_matches_nothing_when_there_are_no_claimants(self):
        assert ClaimantMatcher([]).match("Hanna Malyar").claimant_id is None


@pytest.mark.django_db
class TestClaimantMatcherFromDb:
    def test_it_loads_claimants_and_aliases_in_two_queries(self, django_assert_max_num_queries):
        load_demo()
        with django_assert_max_num_queries(2):
            matcher = ClaimantMatcher.from_db()
        assert len(matcher) == Claimant.objects.count()
        assert matcher.match("Lt Gen Igor Konashenkov").claimant_id == Claimant.objects.get(slug="igor-konashenkov").pk
        assert matcher.match("Wagner's chief").claimant_id == Claimant.objects.get(slug="yevgeny-prigozhin").pk
