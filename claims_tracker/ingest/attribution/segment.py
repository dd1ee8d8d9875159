"""Paragraphs, quote spans and sentences, all as character offsets into the original text.

Quotes are found per paragraph before sentences are split, because a quote often holds several
sentences ("We won. The town is ours," he said) and its attribution belongs to all of them.
Real text is messy: «…” mismatches, „German“ quotes, single quotes next to apostrophes, and a
quote left open at the end of a paragraph because it goes on in the next one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Double-style marks close any double-style opener: «…” and „…“ occur in real copy.
DOUBLE_OPEN = '“"«„‹'
DOUBLE_CLOSE = '”"»“›'
SINGLE_OPEN = "‘'‚"
SINGLE_CLOSE = "’'‘"
QUOTE_CHARS = set(DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE)
_BEFORE_OPEN = set(" \t([{—–-/:;,") | {"\u00a0"}
_AFTER_CLOSE = set(" \t)]}—–-/:;,.!?…") | {"\u00a0"}

_PARAGRAPH = re.compile(r"[^\n]+")
_QUOTE_CHAR = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt cpl adm cmdr sen rep gov st jr sr no nos vs etc inc co corp ltd
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m approx est dept fig ft mt rev hon
    op pp vol""".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’»']*(?=\s+[\"“«„‘'(\[]?[A-Z0-9ÀÁÂÄÅÇÉÈÊÍÓÖØÚÜА-ЯЁ])")


@dataclass(frozen=True)
class Quote:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark; None when the paragraph ended first
    single: bool

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at is not None else self.end


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def paragraphs(text: str) -> list[Span]:
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = _strip(text, match.start(), match.end())
        if end > start:
            spans.append(Span(start, end))
    return spans


def find_quotes(text: str, para: Span) -> list[Quote]:
    """Quote spans of one paragraph, left to right, not nested (inner quotes belong to the outer one)."""
    quotes: list[Quote] = []
    opened: int | None = None
    single = False
    # Only the quote marks matter: the regex jumps from one to the next (a character loop took 10x as long).
    for mark in _QUOTE_CHAR.finditer(text, para.start, para.end):
        i = mark.start()
        ch = text[i]
        prev = text[i - 1] if i > para.start else " "
        nxt = text[i + 1] if i + 1 < para.end else " "
        # "… harvest its brain,' " said X", "… that advice, ” he said": a space may part the closing mark from an
        # inner quote's or from the quote's last comma.
        inner_closed = prev.isspace() and i - 2 >= para.start and text[i - 2] in SINGLE_CLOSE + ",.!?"
        # "… and paranoia,”Clinton said": a space missing after the closing mark that follows a comma or a stop.
        glued = prev in ",.!?" and nxt.isalpha() and ch in DOUBLE_CLOSE
        can_close = (not prev.isspace() or inner_closed) and (
            nxt in _AFTER_CLOSE or nxt in QUOTE_CHARS or i + 1 >= para.end or glued
        )
        can_open = (prev in _BEFORE_OPEN or prev in QUOTE_CHARS or i == para.start) and not nxt.isspace()
        if opened is not None:
            closes = ch in (SINGLE_CLOSE if single else DOUBLE_CLOSE)
            if closes and can_close:
                quotes.append(Quote(opened + 1, i, opened, i, single))
                opened = None
            elif not single and ch in DOUBLE_OPEN and can_open and not can_close and ch != "„":
                # A new opening mark while one is open: the first was never closed.
                quotes.append(Quote(opened + 1, _rstrip(text, opened + 1, i), opened, None, single))
                opened, single = i, False
            elif single and ch in DOUBLE_OPEN and can_open:
                # A double quote while a "single quote" is open: that single mark was an apostrophe.
                opened, single = i, False
        elif can_open and ch in DOUBLE_OPEN:
            opened, single = i, False
        elif can_open and ch in SINGLE_OPEN and (i == para.start or not text[i - 1].isalnum()):
            opened, single = i, True
    if opened is not None:
        # Left open: a quote that continues in the next paragraph, or a stray mark. Single marks are
        # too often apostrophes to trust unclosed.
        if not single or _after_colon(text, opened, para):
            quotes.append(Quote(opened + 1, _rstrip(text, opened + 1, para.end), opened, None, False))
    return [q for q in quotes if q.end > q.start]


def _after_colon(text: str, opened: int, para: Span) -> bool:
    """A single mark right after a colon, in a paragraph ending like a sentence, opens a quote (British style:
    "warns Mr Johnson: 'If we …" continuing in the next paragraph)."""
    before = text[max(para.start, opened - 3) : opened].rstrip()
    return before.endswith(":") and text[para.end - 1] in ".!?…"


def sentences(text: str, para: Span, quotes: list[Quote]) -> list[Span]:
    """Sentences of a paragraph; no boundary inside a closed quote."""
    protected = [(q.start, q.close_at) for q in quotes if q.close_at is not None]
    protected_starts = [a for a, _ in protected]
    spans: list[Span] = []
    start = para.start
    for match in _BOUNDARY.finditer(text, para.start, para.end):
        cut = match.end()
        index = bisect.bisect_right(protected_starts, match.start()) - 1
        if index >= 0 and match.start() < protected[index][1] - 1:
            continue  # inside a closed quote
        if _is_abbreviation(text, match.start(), start):
            continue
        s, e = _strip(text, start, cut)
        if e > s:
            spans.append(Span(s, e))
        start = cut
    s, e = _strip(text, start, para.end)
    if e > s:
        spans.append(Span(s, e))
    return spans


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > floor and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    # Initials ("J. Smith") and known abbreviations do not end a sentence.
    return len(word) == 1 and text[j].isupper() or word in _ABBREVIATIONS


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    return start, _rstrip(text, start, end)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class QuoteIndex:
    """Quotes of one paragraph with O(log n) lookups, so a hostile paragraph of 60,000 quotes stays linear."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._opens = [q.open_at for q in quotes]
        self._by_open = {q.open_at: q for q in quotes}
        self._closed = [q for q in quotes if q.close_at is not None]
        self._closed_ends = [q.outer_end for q in self._closed]

    def ending_before(self, pos: int) -> Quote | None:
        """The last closed quote whose closing mark is at or before `pos`."""
        index = bisect.bisect_right(self._closed_ends, pos) - 1
        return self._closed[index] if index >= 0 else None

    def starting_at(self, pos: int) -> Quote | None:
        return self._by_open.get(pos)

    def first_from(self, pos: int) -> Quote | None:
        index = bisect.bisect_left(self._opens, pos)
        return self.quotes[index] if index < len(self.quotes) else None

    def contains(self, pos: int) -> bool:
        """Is `pos` strictly inside a quote (between its marks)?"""
        index = bisect.bisect_right(self._opens, pos) - 1
        return index >= 0 and self.quotes[index].open_at < pos < self.quotes[index].outer_end
