"""The attribution finder, one pattern family at a time, and the input that must not break it."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Stance
from claims_tracker.ingest.attribution import Attribution, find_attributions
from claims_tracker.ingest.attribution.lexicon import STANCE_OF_FORM
from claims_tracker.ingest.attribution.segment import find_quotes, paragraphs, sentences
from claims_tracker.ingest.matching import ClaimantMatcher
from tests.ingest.pages import seed_text


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.speaker_text, a.statement) for a in find_attributions(text)]


def only(text: str) -> Attribution:
    found = find_attributions(text)
    assert len(found) == 1, found
    return found[0]


class TestQuoteStyles:
    @pytest.mark.parametrize(
        "text",
        [
            '"The town is ours," the mayor said.',
            "“The town is ours,” the mayor said.",
            "«The town is ours,» the mayor said.",
            "„The town is ours,“ the mayor said.",
            "‚The town is ours,‘ the mayor said.",
            "‘The town is ours,’ the mayor said.",
            "'The town is ours,' the mayor said.",
            "«The town is ours,” the mayor said.",  # mismatched marks, as in real copy
        ],
    )
    def test_it_reads_every_common_quote_style(self, text):
        attribution = only(text)
        assert (attribution.speaker_text, attribution.statement) == ("the mayor", "The town is ours")
        assert attribution.quote == "The town is ours"
        assert text[attribution.start : attribution.end] == "The town is ours"

    def test_it_keeps_a_nested_quote_inside_the_outer_one(self):
        text = "“When he told us ‘hold the line,’ we knew,” said Sgt. Petro Koval."
        assert pairs(text) == [("Sgt. Petro Koval", "When he told us ‘hold the line,’ we knew")]

    def test_it_closes_an_unbalanced_quote_at_the_end_of_the_paragraph(self):
        text = 'Officials said the road would stay open "as long as it is safe.\n\nNothing else changed.'
        assert pairs(text) == [("Officials", 'the road would stay open "as long as it is safe')]

    def test_it_ignores_apostrophes(self):
        text = "The minister's aide didn't say much. Farmers' groups weren't consulted."
        assert find_quotes(text, paragraphs(text)[0]) == []


class TestSpeakerPositions:
    def test_it_reads_an_inverted_verb_and_drops_the_appositive(self):
        text = "“Tunnels matter,” said Samuel Ramani, an expert at Oxford University."
        assert pairs(text) == [("Samuel Ramani", "Tunnels matter")]

    def test_it_reads_title_and_organisation_before_the_name(self):
        text = (
            "Ukraine’s Deputy Defense Minister Hanna Malyar wrote on Telegram on Friday that «the battles continued.»"
        )
        attribution = only(text)
        assert attribution.speaker_text == "Ukraine’s Deputy Defense Minister Hanna Malyar"
        assert attribution.statement == "the battles continued."
        assert attribution.verb == "wrote"

    def test_it_reads_a_speaker_who_comes_last(self):
        text = "Russia now controls the town of Soledar, Moscow’s Defense Ministry said on Friday."
        assert pairs(text) == [("Moscow’s Defense Ministry", "Russia now controls the town of Soledar")]

    def test_it_takes_the_name_between_commas_after_a_title(self):
        text = "The head of the local administration, Pavlo Kyrylenko, said on Tuesday that only 500 people remained."
        assert pairs(text) == [("Pavlo Kyrylenko", "only 500 people remained")]

    def test_it_reads_according_to_at_either_end(self):
        assert pairs("According to the health ministry, 42 people were taken to hospital.") == [
            ("the health ministry", "42 people were taken to hospital")
        ]
        assert pairs("The fire started in a storage room, according to local firefighters.") == [
            ("local firefighters", "The fire started in a storage room")
        ]

    @pytest.mark.parametrize(
        ("text", "speaker"),
        [
            ("ACCORDING TO the health ministry, 42 people were taken to hospital.", "the health ministry"),
            ("AcCoRdInG tO the health ministry, 42 people were taken to hospital.", "the health ministry"),
            # "İ" lower-cases to two characters: the sentence checks before the case-insensitive regexes are off
            (f"42 people died in {'İ' * 40}, according to the health ministry.", "the health ministry"),
        ],
    )
    def test_according_to_is_read_in_any_case_and_beside_any_letter(self, text, speaker):
        assert [a.speaker_text for a in find_attributions(text)] == [speaker]

    @pytest.mark.parametrize(
        ("sentence", "verb"),
        [
            ("NBC NEWS HAS NOT VERIFIED THE CLAIMS BY EITHER PARTY.", "has not verified"),
            ("Reuters couldn’t independently confirm the report.", "couldn’t independently confirm"),
            ("Reuters COULDN'T confirm the report.", "couldn't confirm"),
            (f"In {'İ' * 40}, Reuters couldn't confirm the report.", "couldn't confirm"),
        ],
    )
    def test_not_verifying_is_read_in_any_case_and_spelling(self, sentence, verb):
        assert [(a.verb, a.stance) for a in find_attributions(sentence)] == [(verb, Stance.REPORTS)]

    def test_it_reads_a_quote_introduced_in_the_paragraph_before(self):
        text = (
            "Samir Patel, a senior analyst, said the talks would fail.\n\n"
            "“Neither side has a reason to compromise before the elections.”"
        )
        assert pairs(text) == [
            ("Samir Patel", "the talks would fail"),
            ("Samir Patel", "Neither side has a reason to compromise before the elections."),
        ]

    def test_it_reads_a_colon_introduction(self):
        text = "In a statement, the foreign ministry said:\n\n“We will not accept any ultimatum.”"
        assert pairs(text) == [("the foreign ministry", "We will not accept any ultimatum.")]

    def test_it_keeps_a_quote_continued_after_its_attribution_as_one_candidate_in_pieces(self):
        text = "“We will not retreat,” Mayor Ivan Fedorov said. “The city will stand.”"
        [found] = find_attributions(text)
        assert (found.speaker_text, found.statement) == (
            "Mayor Ivan Fedorov",
            "We will not retreat … The city will stand.",
        )
        assert [text[a:b] for a, b in found.pieces] == ["We will not retreat", "The city will stand."]
        assert (found.start, found.end, found.direct, found.verb) == (1, len(text) - 1, True, "said")

    def test_it_joins_a_quote_that_goes_on_after_a_titled_speaker(self):
        # Shaped on a PolNeAR train sentence (Politico): the second piece is the same quote, not a new candidate.
        text = (
            "“Well, there may be reports that come out, but nothing has changed,” Clinton said on Sunday. "
            "“It's the same story it has been all along.”"
        )
        found = find_attributions(text)
        assert [(a.speaker_text, len(a.pieces)) for a in found] == [("Clinton", 2)]


class TestCoreference:
    def test_it_points_a_pronoun_back_to_the_last_person(self):
        text = "“We will rebuild,” Mayor Ivan Fedorov said.\n\nHe said power was back in most homes."
        second = find_attributions(text)[1]
        assert (second.speaker_text, second.mention) == ("Mayor Ivan Fedorov", "He")
        assert second.statement == "power was back in most homes"

    def test_it_points_the_ministry_back_to_the_named_ministry(self):
        text = "Russia's Defence Ministry said its forces repelled an attack.\n\n«We lost no one,» the ministry wrote."
        assert [a.speaker_text for a in find_attributions(text)] == ["Russia's Defence Ministry"] * 2

    def test_it_keeps_he_or_she_with_nobody_before_it_at_low_confidence(self):
        # Unseen news names a speaker paragraphs before "she said"; the quote is still hers (issue 16).
        [found] = find_attributions("“It is over,” she said.")
        assert (found.speaker_text, found.statement) == ("she", "It is over")
        assert found.confidence < find_attributions("“It is over,” Maria Lopez said.")[0].confidence

    def test_it_drops_it_and_we_with_nobody_before_them(self):
        assert find_attributions("“It is over,” we said. “It is over,” it said.") == []


class TestStances:
    @pytest.mark.parametrize(
        ("sentence", "verb", "stance"),
        [
            ("The Kremlin denied that troops had crossed the border.", "denied", Stance.DENIES),
            ("Kyiv rejected the claims made by Moscow on Friday.", "rejected", Stance.DENIES),
            ("The company confirmed that 200 jobs would be cut.", "confirmed", Stance.CONFIRMS),
            ("The airline acknowledged that staff shortages caused delays.", "acknowledged", Stance.CONFIRMS),
            ("The opposition disputed the official results of the vote.", "disputed", Stance.DISPUTES),
            ("Prigozhin claimed that his fighters held the town.", "claimed", Stance.ASSERTS),
            ("Prigozhin boasted that his fighters held the town.", "boasted", Stance.ASSERTS),
            ("NBC News has not verified the claims by either party.", "has not verified", Stance.REPORTS),
        ],
    )
    def test_it_maps_the_verb_to_a_stance(self, sentence, verb, stance):
        attribution = only(sentence)
        assert (attribution.verb, attribution.stance) == (verb, stance)

    def test_every_stance_in_the_lexicon_is_a_model_stance(self):
        assert set(STANCE_OF_FORM.values()) <= set(Stance.values)


class TestNotAttributions:
    @pytest.mark.parametrize(
        "text",
        [
            "The former minister is said to be considering a run for the presidency.",
            "Combatants of the Wagner group in a photo reported in Soledar and released on Wednesday.",
            "Zelenskyy says Ukraine will not give up territory",  # a headline
            "Did the minister say that the war was over?",
            "Russian claims of a breakthrough near Avdiivka could not be confirmed.",
            "The so-called “special military operation” entered its second year.",
            "The river rose by two meters overnight, flooding roads and cutting power.",
        ],
    )
    def test_it_finds_nothing(self, text):
        assert find_attributions(text) == []


class TestHostileInput:
    def test_it_returns_nothing_for_empty_text(self):
        assert find_attributions("") == []
        assert find_attributions(" \n\t ") == []

    def test_it_refuses_what_is_not_text(self):
        with pytest.raises(TypeError):
            find_attributions(b"said")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "text",
        [
            "«" * 5000,
            "”" * 5000 + "said",
            "\x00\x01 said \x0b\x1f that \x7f" * 500,
            "said " * 50_000,
            '"a," he said "b" ' * 20_000,
            "The minister said that" + " very" * 50_000 + ".",
        ],
    )
    def test_it_survives_hostile_text_with_valid_offsets(self, text):
        for attribution in find_attributions(text):
            assert " … ".join(text[a:b] for a, b in attribution.pieces) == attribution.statement

    def test_it_handles_a_megabyte_of_news_text(self):
        seed = seed_text()
        text = (seed + "\n\n") * (1_000_000 // len(seed) + 1)
        found = find_attributions(text)
        assert len(text) > 1_000_000
        assert len(found) >= 10 * (len(text) // len(seed))
        assert all(" … ".join(text[s:e] for s, e in a.pieces) == a.statement for a in found)

    def test_it_is_deterministic(self):
        seed = seed_text()
        assert find_attributions(seed) == find_attributions(seed)


class TestSegmentation:
    def test_it_does_not_split_sentences_inside_a_quote_or_after_abbreviations(self):
        text = "“We won. The town is ours,” said Lt. Gen. Igor Konashenkov on Friday. Mr. Smith left."
        para = paragraphs(text)[0]
        spans = sentences(text, para, find_quotes(text, para))
        assert [text[s.start : s.end] for s in spans] == [
            "“We won. The town is ours,” said Lt. Gen. Igor Konashenkov on Friday.",
            "Mr. Smith left.",
        ]


class TestMatcherIntegration:
    def test_it_matches_speakers_with_a_matcher_built_from_plain_data(self):
        matcher = ClaimantMatcher([(7, "Hanna Malyar", ["Malyar"]), (9, "Igor Konashenkov", ["Konashenkov"])])
        text = "«The battles continued,» Deputy Defense Minister Hanna Malyar wrote. Konashenkov denied it."
        found = find_attributions(text, matcher=matcher)
        assert [(a.speaker_text, a.claimant_id) for a in found][:1] == [("Deputy Defense Minister Hanna Malyar", 7)]
