"""The seed acceptance case: the Soledar report (tests/data/soledar_report.txt), with the demo's claimants loaded."""

from __future__ import annotations

import pytest

from claims_tracker.claims.demo import load_demo
from claims_tracker.claims.models import Claimant, Stance
from claims_tracker.ingest.attribution import find_attributions
from claims_tracker.ingest.matching import ClaimantMatcher
from tests.ingest.pages import seed_text as read_seed_text


@pytest.fixture
def seed_text() -> str:
    return read_seed_text()


@pytest.fixture
def matcher(db, django_assert_max_num_queries) -> ClaimantMatcher:
    load_demo()
    with django_assert_max_num_queries(2):
        return ClaimantMatcher.from_db()


def _by_claimant(attributions, slug: str):
    claimant = Claimant.objects.get(slug=slug)
    return [a for a in attributions if a.claimant_id == claimant.pk]


class TestSeedAttribution:
    def test_it_finds_every_designed_attribution_with_the_right_claimant(self, seed_text, matcher):
        found = find_attributions(seed_text, matcher=matcher)

        mod = _by_claimant(found, "russian-ministry-of-defence")
        assert any("Russia now controls the mining town of Soledar" in a.statement for a in mod)
        assert all(a.stance == Stance.ASSERTS for a in mod)

        prigozhin = _by_claimant(found, "yevgeny-prigozhin")
        assert any(
            a.statement == "his forces were in sole charge of the town" and a.verb == "boasted" for a in prigozhin
        )
        assert any(a.verb == "claimed" and "victory in Soledar" in a.statement for a in prigozhin)

        konashenkov = _by_claimant(found, "igor-konashenkov")
        assert [a.quote[:43] for a in konashenkov] == ["By the evening of January 12, the liberatio"]
        assert konashenkov[0].speaker_text == "Lieutenant General Igor Konashenkov"

        malyar = _by_claimant(found, "hanna-malyar")
        assert [a.quote for a in malyar] == ["the night in Soledar was hot, the battles continued."]
        assert malyar[0].verb == "wrote"
        assert malyar[0].speaker_text == "Ukraine’s Deputy Defense Minister Hanna Malyar"

        kyrylenko = _by_claimant(found, "pavlo-kyrylenko")
        assert [a.statement for a in kyrylenko] == ["only 500 people remained in Soledar, most of them elderly"]

        ramani = _by_claimant(found, "samuel-ramani")
        assert len(ramani) == 2
        assert "200 km (124 mi) network of tunnels" in ramani[0].quote
        # The Bakhmut quote stands alone in its paragraph, its speaker named in the one before: a claim of its own.
        assert ramani[1].quote.startswith("The next step would be to advance on Bakhmut")
        assert ramani[1].pieces == ((ramani[1].start, ramani[1].end),)

        officials = _by_claimant(found, "ukrainian-officials")
        assert [(a.stance, a.verb, a.statement) for a in officials] == [
            (Stance.DENIES, "rejected", "Russian claims of progress in recent days")
        ]

    def test_it_records_nbc_reporting_without_verifying(self, seed_text, matcher):
        found = find_attributions(seed_text, matcher=matcher)

        nbc = [a for a in found if a.speaker_text == "NBC News"]
        assert [(a.stance, a.verb, a.statement) for a in nbc] == [
            (Stance.REPORTS, "has not verified", "the claims by either party")
        ]
        assert nbc[0].claimant_id is None  # NBC News is an outlet, not one of the demo's claimants

    def test_it_gives_offsets_into_the_text_and_valid_fields(self, seed_text, matcher):
        found = find_attributions(seed_text, matcher=matcher)

        assert len(found) >= 10
        assert len({(a.start, a.end) for a in found}) == len(found)
        for attribution in found:
            assert " … ".join(seed_text[a:b] for a, b in attribution.pieces) == attribution.statement
            assert (attribution.start, attribution.end) == (attribution.pieces[0][0], attribution.pieces[-1][1])
            assert all(piece in attribution.sentence for piece in attribution.statement.split(" … "))
            assert attribution.stance in Stance.values
            assert 0 < attribution.confidence <= 1

    def test_it_leaves_the_caption_and_the_analysis_paragraphs_alone(self, seed_text, matcher):
        found = find_attributions(seed_text, matcher=matcher)

        assert not any("Combatants of the Wagner" in a.sentence for a in found)
        assert not any("Kremlin morale" in a.statement for a in found)
