"""The article text's hash form and the finder's regexes were rewritten for speed: same results, always."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from claims_tracker.ingest.attribution.lexicon import STANCE_OF_FORM, UNVERIFIED_RE, VERB_RE, alternation
from claims_tracker.lib.text import content_hash, normalize_for_hash, normalize_whitespace
from tests.ingest.pages import seed_text

_EVERY_CHAR = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def _reference_normalize_for_hash(text: str) -> str:
    """The original definition; stored content hashes were made with it."""
    apostrophes = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
    text = unicodedata.normalize("NFKC", text).translate(apostrophes)
    return re.sub(r"\s+", " ", text).strip().casefold()


def test_str_split_and_regex_agree_on_every_whitespace_character():
    assert [c for c in _EVERY_CHAR if c.isspace()] == re.findall(r"\s", _EVERY_CHAR)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "  Russia’s ‘Defence’ Ministry ʼsaid` it´s\u00a0taken\u2003Soledar.\n\n\tUkraine   denies it.  ",
        "ﬁve ＡＢＣ Straße İstanbul \u2028 line\u2029para\x1c\x85 end",
        "no marks at all",
        _EVERY_CHAR[:5000],
    ],
)
def test_the_hash_form_is_unchanged(text):
    assert normalize_for_hash(text) == _reference_normalize_for_hash(text)
    assert normalize_whitespace(text) == re.sub(r"\s+", " ", text).strip()


def test_a_stored_hash_stays_valid():
    text = "  Russia’s ‘Defence’ Ministry ʼsaid` it´s\u00a0taken\u2003Soledar.\n\n\tUkraine   denies it.  "
    assert content_hash(text) == "d3aafe76aca2fa5d0bdff45b825f982d58a307fb8a3462b6a67d12090045c045"


def test_the_seed_fixtures_hash_stays_valid():
    assert content_hash(seed_text()) == "4b4571876dab83ddf4abe8992aa694289ca77b4fbeef61579cdd60b531d0f137"


def test_the_verb_alternation_matches_the_same_words():
    plain = re.compile(r"\b(?:" + "|".join(sorted(STANCE_OF_FORM, key=len, reverse=True)) + r")\b")
    text = " ".join(f"{f} {f}s {f}ed x{f} {f.title()}, ({f})" for f in STANCE_OF_FORM) + " said."
    assert [m.span() for m in VERB_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]
    for start in range(0, len(text), 97):  # bounded searches, as the finder runs them per sentence
        assert [m.span() for m in VERB_RE.finditer(text, start, start + 41)] == [
            m.span() for m in plain.finditer(text, start, start + 41)
        ]
    assert re.fullmatch(alternation(["add", "added", "adds", "argued"]), "added")


def test_the_unverified_lookahead_lets_every_auxiliary_through():
    # The lookahead's class must accept every character the case-insensitive auxiliaries start with.
    firsts = re.compile("(?:h|c|d|i|a|w)", re.I)
    lookahead = re.compile("[acdhiw]", re.I)
    assert [c for c in _EVERY_CHAR if firsts.fullmatch(c)] == [c for c in _EVERY_CHAR if lookahead.fullmatch(c)]
    for phrase in ("has not verified", "HAVEN'T CONFIRMED", "could not independently confirm", "Is not verified"):
        assert UNVERIFIED_RE.search(f"The outlet {phrase} it.")
