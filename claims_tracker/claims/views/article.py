"""The article page: its text with every claim's quote highlighted and linked to the claim.

A quote is placed by its character offsets when they still point at the quoted words (or at each piece of
a quote continued after its attribution, "A … B"), else by finding the quote in the text (case and spacing
ignored). The text is cut into plain and
quoted segments here; the template escapes every segment, so nothing ingested is marked safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..caching import catalogue_versions, reader_cached
from ..models import Appearance, Article


@dataclass
class Segment:
    text: str
    appearance: Appearance | None = None
    number: int = 0  # the quote's number in the list below the text


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `text`, ignoring case and runs of whitespace."""
    words = [re.escape(w) for w in quote.strip().strip("«»\"'“”.").split()]
    if not words:
        return None
    match = re.search(r"\s+".join(words), text, flags=re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _pieces_in(span: str, quote: str) -> bool:
    """Each piece of a quote joined with " … " (the finder's form) stands in `span`, in order."""
    pieces = [_normalise(p) for p in quote.split(" … ")]
    if len(pieces) < 2:
        return False
    at, span = 0, _normalise(span)
    for piece in pieces:
        at = span.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def locate(appearance: Appearance, text: str) -> tuple[int, int] | None:
    start, end = appearance.start_offset, appearance.end_offset
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if not appearance.quote or _normalise(text[start:end]) == _normalise(appearance.quote):
            return start, end
        if _pieces_in(text[start:end], appearance.quote):
            return start, end  # "A … B": a quote in pieces, its attribution between them
    if appearance.quote:
        return _find(text, appearance.quote)
    return None


def segment(text: str, appearances: list[Appearance]) -> tuple[list[Segment], list[Appearance]]:
    """Cut `text` into segments; returns them and the appearances whose quote was not placed."""
    spans: list[tuple[int, int, Appearance]] = []
    unplaced: list[Appearance] = []
    for appearance in appearances:
        found = locate(appearance, text)
        if found is None:
            unplaced.append(appearance)
        else:
            spans.append((found[0], found[1], appearance))
    spans.sort(key=lambda s: (s[0], -s[1]))
    segments: list[Segment] = []
    cursor = number = 0
    for start, end, appearance in spans:
        if start < cursor:
            # Overlaps a quote already marked (two claims resting on the same words): the
            # first keeps the mark, the other is listed below the text.
            unplaced.append(appearance)
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        number += 1
        segments.append(Segment(text[start:end], appearance, number))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments, unplaced


@require_GET
@reader_cached(catalogue_versions)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        article = selectors.article_get(pk=pk)
    except Article.DoesNotExist:
        raise Http404("No such article.")
    appearances = list(article.appearances.all())
    segments, unplaced = segment(article.text, appearances) if article.text else ([], appearances)
    paragraphs: list[list[Segment]] = [[]]
    # Blank lines end a paragraph; a quote never spans one in practice, so split plain segments only.
    for seg in segments:
        if seg.appearance is None and "\n\n" in seg.text:
            parts = re.split(r"\n\s*\n", seg.text)
            for i, part in enumerate(parts):
                if i:
                    paragraphs.append([])
                if part:
                    paragraphs[-1].append(Segment(part))
        else:
            paragraphs[-1].append(seg)
    claims = {a.claim_id: a.claim for a in appearances}
    context = {
        "article": article,
        "paragraphs": [p for p in paragraphs if p],
        "placed": [s for s in segments if s.appearance is not None],
        "unplaced": unplaced,
        "claims": list(claims.values()),
    }
    return render(request, "claims/article_detail.html", context)
