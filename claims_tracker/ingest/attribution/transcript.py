"""Interview transcripts: paragraphs that open with the speaker's name and a colon ("Rick: It was …").

A label counts only when the same name opens at least two paragraphs, so a lone "MORE:" or
"Update July 3rd:" line is never taken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter

from .segment import Span

MIN_TURNS = 2
_LABEL = re.compile(r"([A-Z][\w’'.-]*(?:[ \u00a0][A-Z][\w’'.-]*){0,2})[ \u00a0]?:\s+(?=\S)")
_NOT_NAMES = frozenset(
    """update updated note editor's editors photo photos picture video watch read more related source sources credit
    image caption q a question answer tags topics also correction clarification disclosure listen warning breaking
    live advertisement subscribe sponsored share follow via example step tip summary background context""".split()
)


def transcript_labels(text: str, paras: list[Span]) -> dict[int, tuple[int, int]]:
    """Paragraph start -> (start, end) of its speaker label, for labels that open MIN_TURNS paragraphs or more."""
    found: dict[int, tuple[int, int]] = {}
    for para in paras:
        match = _LABEL.match(text, para.start, para.end)
        if match and not set(match.group(1).lower().split()) & _NOT_NAMES:
            found[para.start] = (match.start(1), match.end(1))
    counts = Counter(text[s:e] for s, e in found.values())
    return {start: span for start, span in found.items() if counts[text[span[0] : span[1]]] >= MIN_TURNS}
