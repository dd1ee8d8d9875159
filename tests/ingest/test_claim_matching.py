"""Matching a candidate to existing claims: a fixed 0..1 score with reasons, three queries for any number of
candidates, hostile text refused nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims_tracker.claims import services as claim_services
from claims_tracker.ingest.claim_matching import (
    LIKELY,
    MIN_SCORE,
    Probe,
    claim_matches,
    claim_matches_many,
    names_in,
)
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory


@pytest.fixture
def ministry(db):
    return ClaimantFactory(name="Russian Defence Ministry", kind="government")


@pytest.fixture
def spokesman(ministry):
    return ClaimantFactory(name="Igor Konashenkov", affiliation=ministry)


@pytest.fixture
def control(ministry):
    return ClaimFactory(text="Russian forces have taken control of the town of Soledar.", claimant=ministry)


@pytest.fixture
def distractors(db):
    return [
        ClaimFactory(text="Wheat exports from Odesa rose in March."),
        ClaimFactory(text="Fighting for Soledar went on through the night."),
        ClaimFactory(text="Only about 500 residents remain in Soledar."),
    ]


class TestClaimMatches:
    def test_it_ranks_the_claimants_claim_first_with_its_reasons(self, ministry, control, distractors):
        probe = Probe(text="Russia now controls the mining town of Soledar", claimant_id=ministry.pk)
        matches = claim_matches(probe)
        assert matches[0].claim == control
        assert matches[0].score >= LIKELY
        labels = [r.label for r in matches[0].reasons]
        assert "same claimant" in labels and "places: Soledar" in labels
        assert any(label.startswith("words in common: ") and "control" in label for label in labels)
        assert all(m.claim.text != distractors[0].text for m in matches)  # nothing shared: not shown

    def test_it_reads_in_three_queries(self, ministry, control, distractors, django_assert_num_queries):
        probe = Probe(text="Russia now controls the mining town of Soledar", claimant_id=ministry.pk)
        claim_matches(probe)  # PostgreSQL's word statistics, read once per process every ten minutes
        with django_assert_num_queries(3):  # the text's lexemes; the pool and its scores; the claims scored
            matches = claim_matches(probe)
        assert [m.claim.claimant.name for m in matches][:1] == ["Russian Defence Ministry"]  # joined, no query

    def test_many_probes_read_in_the_same_three_queries_with_the_same_matches(
        self, ministry, spokesman, control, distractors, django_assert_num_queries
    ):
        article = ArticleFactory()
        claim_services.appearance_add(
            claim=control, article=article, speaker=spokesman, stance="asserts", quote="the battles continued"
        )
        probes = [
            Probe(text="Russia now controls the mining town of Soledar", claimant_id=ministry.pk),
            Probe(text="", quote="nothing to match"),  # no text: no matches, no work
            Probe(text="Moscow says the salt-mining Soledar area is under its control now"),
            Probe(
                text="the liberation of the city of Soledar was completed",
                quote="the battles continued in Soledar",
                claimant_id=spokesman.pk,
                affiliation_id=spokesman.affiliation_id,
                when=control.claimed_at,
            ),
            Probe(text="Wheat exports from Odesa rose", quote="exports rose", when=timezone.now()),
            Probe(text="zzz qqq"),  # words no claim has: nothing pooled
            Probe(text="Only about 500 residents remain in Soledar.", claimant_id=spokesman.pk),
            Probe(text="Russia now controls the mining town of Soledar", claimant_id=ministry.pk),  # twice
        ]
        alone = [claim_matches(p, limit=10) for p in probes]
        with django_assert_num_queries(3):
            together = claim_matches_many(probes, limit=10)

        def shown(matches):
            return [(m.claim.pk, m.score, m.reasons) for m in matches]

        assert [shown(m) for m in together] == [shown(m) for m in alone]
        assert together[1] == [] and together[5] == []
        assert together[0][0].claim == control and together[3][0].claim == control
        # Each probe is scored on its own: the quote and the speaker count only where they were given.
        assert {r.code for r in together[3][0].reasons} >= {"organisation", "quote", "date"}
        assert "quote" not in {r.code for r in together[0][0].reasons}
        assert together[4][0].claim == distractors[0]

    def test_probes_with_nothing_to_match_cost_no_query(self, control, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert claim_matches_many([Probe(text=""), Probe(text="  ", quote="a quote")]) == [[], []]

    def test_it_finds_a_claim_by_two_rare_words_without_the_claimant(self, control, distractors):
        first = claim_matches(Probe(text="Moscow says the salt-mining Soledar area is under its control now"))[0]
        assert first.claim == control

    def test_a_member_of_the_claimants_organisation_counts(self, spokesman, control, distractors):
        probe = Probe(
            text="the liberation of the city of Soledar was completed",
            claimant_id=spokesman.pk,
            affiliation_id=spokesman.affiliation_id,
        )
        first = claim_matches(probe)[0]
        assert first.claim == control
        assert "same organisation: Russian Defence Ministry" in [r.label for r in first.reasons]

    def test_a_quote_already_on_the_claim_counts(self, control, distractors):
        article = ArticleFactory()
        claim_services.appearance_add(
            claim=control, article=article, speaker=None, stance="asserts", quote="the battles continued in Soledar"
        )
        first = claim_matches(Probe(text="he said the battles continued in Soledar overnight"))[0]
        assert first.claim == control
        assert any(r.code == "quote" for r in first.reasons)

    def test_scores_do_not_depend_on_the_other_claims(self, ministry, control):
        """A fixed formula: the same pair scores the same whether it is alone or among many."""
        probe = Probe(text="Russia now controls the mining town of Soledar", claimant_id=ministry.pk)
        alone = claim_matches(probe)[0].score
        for n in range(30):
            ClaimFactory(text=f"Russian forces took control of village {n} near Soledar.", claimant=ministry)
        among_many = {m.claim.pk: m.score for m in claim_matches(probe, limit=50)}
        assert among_many[control.pk] == alone

    def test_the_same_statement_by_another_claimant_is_still_likely(self, control):
        matches = claim_matches(Probe(text="Russian forces have taken control of the town of Soledar."))
        assert matches[0].claim == control
        assert matches[0].score >= LIKELY

    def test_accents_do_not_hide_words_in_common(self, db):
        claim = ClaimFactory(text="Missiles struck Kyiv's power station.")
        first = claim_matches(Probe(text="missiles hit the Kyïv power station"))[0]
        assert first.claim == claim
        assert any(r.code == "words" and "kyiv" in r.label for r in first.reasons)

    def test_it_skips_merged_claims(self, ministry, control):
        twin = ClaimFactory(text="Russian forces have taken control of the town of Soledar.", claimant=ministry)
        claim_services.claim_merge(source_id=twin.pk, target_id=control.pk, user=None)
        matches = claim_matches(Probe(text=twin.text, claimant_id=ministry.pk))
        assert [m.claim.pk for m in matches] == [control.pk]

    def test_the_date_counts_when_the_report_is_near_the_claim(self, control):
        near = claim_matches(Probe(text=control.text, when=control.claimed_at + timedelta(days=2)))[0]
        far = claim_matches(Probe(text=control.text, when=control.claimed_at + timedelta(days=400)))[0]
        assert near.score > far.score
        assert "date" in {r.code for r in near.reasons} and "date" not in {r.code for r in far.reasons}

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "'; DROP TABLE claims_claim; --",
            "a & b | !(c:*) <-> 'd'",
            "%_\\ \\\\ %%",
            "Soledar " * 5000,
            "\u202e\u200b\ufeff Soledar «»",
        ],
    )
    def test_hostile_text_answers_without_error(self, control, text):
        matches = claim_matches(Probe(text=text, quote=text, when=timezone.now()))
        assert all(MIN_SCORE <= m.score <= 1.0 for m in matches)
        control.refresh_from_db()  # nothing touched


class TestNamesIn:
    def test_it_keeps_places_and_drops_openers_and_dates(self):
        found = names_in("On Friday Moscow's Defense Ministry said Soledar fell. The Wagner Group agreed.")
        assert {"Moscow", "Soledar", "Wagner Group"} <= found
        assert not found & {"On", "Friday", "The"}
