"""Small pure text helpers shared by claims and ingestion."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^\w' ]+")


def normalize_whitespace(text: str) -> str:
    return _WS.sub(" ", text).strip()


def normalize_for_hash(text: str) -> str:
    """The form of an article's text that two deliveries of the same report share."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return normalize_whitespace(text).casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def normalize_name(name: str) -> str:
    """A claimant name or alias as matching sees it: no accents, case, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_whitespace(_NON_WORD.sub(" ", stripped.casefold()))
