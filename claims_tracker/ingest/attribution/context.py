"""Tests on the text around a cue: where a quote ends or starts, whether a gap is only punctuation or titles,
which subject a participle or an aside continues, and the trimming of a span's edges. Pure functions of the text.
"""

from __future__ import annotations

import re

from .lexicon import SPEAKER_HEADS
from .segment import Quote, QuoteIndex, Span
from .speakers import WINDOW, SpeakerPhrase, sentence_subject

_TRAILING_PUNCT = " \t,;:.—–-"
_TERMINAL = tuple('.!?"”’»:…)')
_PUNCT_GAP = re.compile(r"^[\s,.!?—–-]*$")
# The dot of a title or a state ("Mr.", "Sen.", "D-Mo.", "U.S."): not a sentence's end.
_ABBREVIATION_DOT = re.compile(r"(?<![\w.])(?:[A-Z](?:\.[A-Z])+|[A-Z][a-z]{0,3})\.")  # initials first: "N.Y."


_OPENING_PRONOUN = re.compile(
    r"\s*(?:(?:Then|But|And|So|Later|Still|Yet|Now|Instead|Also)\s+)?(He|She|They|he|she|they)\b"
)


def _opening_subject(text: str, start: int, end: int) -> SpeakerPhrase | None:
    """The subject a participle continues ("Trump mocked her, saying …", "She hedged, telling MSNBC …"): an opening
    pronoun, or a named subject, one word too when a verb follows it ("Explaining why …" is no name)."""
    match = _OPENING_PRONOUN.match(text[start : min(end, start + 20)])  # "He …", "Then he cut into Bush, …"
    if match:
        return SpeakerPhrase(start + match.start(1), start + match.end(1), match.group(1), "pronoun")
    subject = sentence_subject(text, start, end)
    if subject is None or subject.text.endswith("ing"):
        return None
    return subject


def _subject_after_opener(text: str, sent: Span, end: int) -> SpeakerPhrase | None:
    """The subject after one or two opening phrases ("In a speech on Tuesday, Mr. Trump struck …", "This year, he
    rose …"): a pronoun, or a named person followed by a lower-case word (its verb)."""
    for count, comma in enumerate(re.finditer(r",\s+", text[sent.start : min(end, sent.start + WINDOW)])):
        if count >= 2:
            break
        start = sent.start + comma.end()
        match = re.match(r"(He|She|They|he|she|they)\s+[a-z]", text[start : start + 12])
        if match:
            return SpeakerPhrase(start, start + len(match.group(1)), match.group(1), "pronoun")
        subject = sentence_subject(text, start, end)
        if subject is not None and subject.kind == "person" and re.match(r"\s+[a-z]", text[subject.end : end]):
            return subject
    return None


_OPENING_PHRASE = re.compile(r"([A-Z][^,;:.!?\"“”«»()]{2,120}?)\s+")


def _opening_phrase(text: str, sent: Span, vs: int) -> SpeakerPhrase | None:
    """A whole sentence-opening phrase before "say" that names a group the short readers stop short of: "Majorities
    of Democrats in five states going to the polls Tuesday say …", "People who have battled online threats say …".
    It must hold a speaking head ("voters", "majorities", "people") and no comma or quote, in 16 words at most."""
    match = _OPENING_PHRASE.fullmatch(text, sent.start, vs)
    if match is None:
        return None
    words = match.group(1).lower().split()
    if words[-1] == "to":
        return None  # "Attorneys for Clinton appeared to oppose …": an infinitive, its subject read elsewhere
    if len(words) > 16 or not any(w in SPEAKER_HEADS or w.removesuffix("s") in SPEAKER_HEADS for w in words):
        return None
    return SpeakerPhrase(match.start(1), match.end(1), match.group(1), "group")


def _appositive_subject(text: str, sent: Span, vs: int) -> SpeakerPhrase | None:
    """ "Sen. Chuck Grassley, facing a challenge in Iowa, a swing state, said …": the named subject before a run of
    asides speaks, not the last capitalised word of the asides."""
    if vs - sent.start > WINDOW:
        return None
    subject = sentence_subject(text, sent.start, vs)
    if subject is None or subject.kind != "person" or " " not in subject.text:
        return None
    gap = text[subject.end : vs]
    if not re.match(r"\s*(?:\([^)]{1,12}\)\s*)?,", gap) or re.search(r"[.;:!?“”\"«»]", _ABBREVIATION_DOT.sub("", gap)):
        return None
    return subject


_DATE_WORDS = re.compile(
    r"\b(?:on|in|at|by|since|until|as|of|the|jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|january|february"
    r"|march|april|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|\d+(?:st|nd|rd|th)?)\b|[\W_]",
    re.I,
)


def _junk(text: str, speaker: SpeakerPhrase, start: int, end: int, quote: bool) -> bool:
    """Fact-check and byline debris: a statement that is only a date ("On Nov. 15, 2019"), a speaker list cut
    by a semicolon ("The Russian; Syrian defense ministries")."""
    if ";" in speaker.text:
        return True
    return not quote and not _DATE_WORDS.sub("", text[start:end])


def _looks_like_prose(text: str, para: Span) -> bool:
    chunk = text[para.start : para.end]
    return chunk.rstrip().endswith(_TERMINAL) or len(chunk.split()) > 25


def _says_nothing_after(text: str, quotes: QuoteIndex, pos: int, sent: Span) -> bool:
    """No quote or "that" clause follows the verb: what was said can only be the quote before."""
    following = quotes.first_from(pos)
    if following is not None and following.open_at < sent.end:
        return False
    return not re.match(r"\s*,?\s*that\b", text[pos : sent.end])


def _quote_only(text: str, para: Span, quote: Quote) -> bool:
    """The paragraph is the quote and nothing else (punctuation aside)."""
    if quote.open_at - para.start > 5 or para.end - quote.outer_end > 5:
        return False
    outside = text[para.start : quote.open_at] + text[quote.outer_end : para.end]
    return not re.search(r"\w", outside)


def _starts_sentence(text: str, para: Span, quote: Quote) -> bool:
    before = text[max(para.start, quote.open_at - 20) : quote.open_at].rstrip()
    return not before or before.endswith((".", "!", "?", ":", "”", "»", '"', "…"))


def _quote_ending_before(quotes: QuoteIndex, pos: int, text: str) -> Quote | None:
    """The quote just before `pos`, when only punctuation or a short speaker phrase separates them."""
    best = quotes.ending_before(pos)
    if best is None or pos - best.outer_end > 120:
        return None
    gap = _ABBREVIATION_DOT.sub("", text[best.outer_end : pos])  # "…,” Sen. Claire McCaskill (D-Mo.) said"
    if _PUNCT_GAP.match(gap) or not any(c in gap for c in ".!?;"):
        return best
    return None


def _quote_starting_after(quotes: QuoteIndex, pos: int, text: str, limit: int) -> Quote | None:
    window = text[pos : min(limit, pos + 60)]
    gap = re.match(r"[\s,:]*(?:that\s+)?", window)
    quote = quotes.starting_at(pos + (gap.end() if gap else 0))
    if quote is not None:
        return quote
    # "warns Mr Johnson: '…'": a short object before a colon.
    colon = re.match(r"[^,;:\"“«„‘]{1,40}:\s*", window)  # "said of Mr. Rubio: …"
    return quotes.starting_at(pos + colon.end()) if colon else None


def _last_word(text: str, floor: int, pos: int) -> str:
    """The word before `pos`, or "" when a closing quote mark comes between: in “… even though it is,” said X the
    "is" is the quote's, not a passive "is said"."""
    match = re.search(r"([\w’']+)(\W*)$", text[max(floor, pos - 40) : pos])
    if match is None or any(mark in match.group(2) for mark in '”"»'):
        return ""
    return match.group(1).lower()


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING_PUNCT:
        end -= 1
    return end


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t,;:—–-":
        end -= 1
    return end


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    end = _rstrip(text, start, end)
    # A lone closing mark is not part of a clause.
    while end > start and text[end - 1] in "”»\"'’" and text.count(text[end - 1], start, end) % 2 == 1:
        end = _rstrip(text, start, end - 1)
    return start, end


def _source_phrase(text: str, start: int, ceiling: int) -> SpeakerPhrase | None:
    """After "according to", whatever names the source up to the comma or the sentence's end: "a recent
    Washington Post-ABC News poll", "FEC records", "Lazar's plea agreement" (12 words at most)."""
    match = re.match(r"\s*((?:[\w’'$%./&-]+\s+){0,11}[\w’'$%&-]+)[\s.!?”\"]*$", text[start:ceiling])
    if match is None:
        return None
    return SpeakerPhrase(start + match.start(1), start + match.end(1), match.group(1), "group")
