"""Interview transcripts: paragraphs that open with the speaker's name and a colon ("Rick: It was …").

A label counts only when the same name opens at least two paragraphs, so a lone "MORE:" or
"Update July 3rd:" line is never taken for a speaker; but a name in capitals ("TAPPER: …", a transcript's
one turn quoted in an article) counts once, and so does a headline's "Graham: Party's Chances Are Slim."
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

_FUNCTION_WORDS = frozenset("the a an is are in of on to and for news daily latest".split())


def transcript_labels(text: str, paras: list[Span]) -> dict[int, tuple[int, int, str]]:
    """Paragraph start -> (start, end, rule) of its speaker label: "transcript" for labels that open MIN_TURNS
    paragraphs or more (or are in capitals), "headline" for a headline's."""
    found: dict[int, tuple[int, int]] = {}
    for para in paras:
        match = _LABEL.match(text, para.start, para.end)
        if match and not set(match.group(1).lower().split()) & _NOT_NAMES:
            found[para.start] = (match.start(1), match.end(1))
    counts = Counter(text[s:e] for s, e in found.values())
    labels = {
        start: (*span, "transcript") for start, span in found.items() if counts[text[span[0] : span[1]]] >= MIN_TURNS
    }
    for start, (name_start, name_end) in found.items():
        if start in labels:
            continue
        name = text[name_start:name_end]
        if set(name.lower().split()) & _FUNCTION_WORDS:
            continue  # "FIX IS IN: …", "The Latest: …" are a column's or a story's title, not a speaker
        if len(name) > 2 and name.isupper():
            labels[start] = (name_start, name_end, "transcript")  # "JAKE TAPPER: Donald Trump released a video …"
        elif _headline(text, name_end, next(p.end for p in paras if p.start == start)):
            labels[start] = (name_start, name_end, "headline")
    return labels


def _headline(text: str, name_end: int, end: int) -> bool:
    """ "Ryan: 'Anti-Semitic Images' Have 'No Place' in a Campaign.": a title-case line of one sentence after the
    name, three words or more (news headlines name the speaker, a colon, then the gist of what was said)."""
    body = text[text.index(":", name_end) + 1 : end].split()
    if not 3 <= len(body) <= 30 or re.search(r"[.!?][\"”’']?\s+[A-Z]", " ".join(body)):
        return False
    capitalised = sum(1 for word in body if word.lstrip("‘'\"“")[:1].isupper())
    return capitalised >= 0.6 * len(body)
