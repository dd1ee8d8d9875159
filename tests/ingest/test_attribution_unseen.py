"""Rules from news nobody here annotated (issue 16): each test is a sentence shaped on a real article's."""

from __future__ import annotations

from claims_tracker.ingest.attribution import find_attributions


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.speaker_text, a.statement) for a in find_attributions(text)]


class TestDoubleApostropheQuotes:
    def test_it_reads_nyt_style_quotes_and_keeps_the_original_text(self):
        text = "''The stock hasn't done well,'' Mr. Rubel said. ''But we are still here.''"
        [found] = find_attributions(text)
        assert found.speaker_text == "Mr. Rubel"
        assert found.statement == "The stock hasn't done well … But we are still here."
        assert [text[a:b] for a, b in found.pieces] == ["The stock hasn't done well", "But we are still here."]

    def test_it_reads_a_double_apostrophe_quote_after_the_verb(self):
        text = "Ms. Ortiz said: ''We have many failed ventures that have not been able to last.''"
        assert pairs(text) == [("Ms. Ortiz", "We have many failed ventures that have not been able to last.")]

    def test_single_apostrophes_stay_apostrophes(self):
        text = "The council agreed to pay victims of the '70s and '80s, the mayor said."
        assert [a.speaker_text for a in find_attributions(text)] == ["the mayor"]


class TestTitledSpeakers:
    def test_a_quote_then_a_titled_name_with_party_and_state(self):
        text = "“That's not accepting responsibility,” Sen. Claire McCaskill (D-Mo.) said."
        assert pairs(text) == [("Sen. Claire McCaskill", "That's not accepting responsibility")]

    def test_a_titled_name_with_party_and_state_then_a_clause(self):
        text = "Rep. Peter Welch (D-Vt.) said the bill would not pass the House this year."
        assert pairs(text) == [("Rep. Peter Welch", "the bill would not pass the House this year")]

    def test_a_quote_then_mr_and_a_surname(self):
        assert pairs("“The stock hasn't done well,” Mr. Rubel said.") == [("Mr. Rubel", "The stock hasn't done well")]
