"""Small pure text helpers shared by claims and ingestion."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_APOSTROPHE_MARKS = ("’", "‘", "ʼ", "`", "´")
_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHE_MARKS, "'"))
_NON_WORD = re.compile(r"[^\w' ]+")


def normalize_whitespace(text: str) -> str:
    # str.split() and re's \s agree on what whitespace is (Py_UNICODE_ISSPACE): this is `\s+` -> " ", then
    # strip(), at a third of the cost of the regex.
    return " ".join(text.split())


def _straighten_apostrophes(text: str) -> str:
    """text.translate(_APOSTROPHES), without translate's per-character table lookups on a whole article."""
    for mark in _APOSTROPHE_MARKS:
        if mark in text:
            text = text.replace(mark, "'")
    return text


def normalize_for_hash(text: str) -> str:
    """The form of an article's text that two deliveries of the same report share.

    Stored hashes depend on it: any change must give the same string for every text (tests/ingest/test_text.py).
    """
    text = _straighten_apostrophes(unicodedata.normalize("NFKC", text))
    return normalize_whitespace(text).casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def normalize_name(name: str) -> str:
    """A claimant name or alias as matching sees it: no accents, case, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_whitespace(_NON_WORD.sub(" ", stripped.casefold()))
