"""A plain regex attribution finder: the baseline the finder must beat on the same data.

Three shapes, nothing else: “…,” X said / “…,” said X; X said (that) <clause>.; X said: “…”. Speakers are up to
five capitalised words (with a title) or a pronoun; no coreference, no paragraphs, no lexicon beyond a dozen verbs.
Returns objects with the fields bench/eval_attribution.py reads (start, end, speaker_text, confidence, quote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VERBS = r"(?:said|says|told|added|asked|wrote|stated|explained|argued|claimed|insisted|warned|noted|tweeted)"
NAME = r"(?:[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|van|von|al-))\s*){0,4}[A-Z][\w.’'-]*"
PRONOUN = r"(?:he|she|they|He|She|They|I|We|we|it|It)"
SPEAKER = rf"(?:{NAME}|{PRONOUN}|(?:the|a|an|The|A|An)\s+[\w -]{{1,40}}?{NAME}?)"
OPEN = "\"“'‘"
CLOSE = "\"”'’"

QUOTE_THEN_SPEAKER = re.compile(
    rf"[{OPEN}](?P<content>[^{CLOSE}]{{8,1500}}?)[,?!]?[{CLOSE}]\s*,?\s*"
    rf"(?:(?P<s1>{SPEAKER})\s+{VERBS}|{VERBS}\s+(?P<s2>{SPEAKER}))"
)
SPEAKER_THEN_QUOTE = re.compile(
    rf"(?P<s1>{SPEAKER})\s+{VERBS}\s*[,:]\s*[{OPEN}](?P<content>[^{CLOSE}]{{8,1500}}?)[{CLOSE}]"
)
SPEAKER_THEN_CLAUSE = re.compile(rf"(?P<s1>{SPEAKER})\s+{VERBS}(?:\s+that)?\s+(?P<content>[^.!?\n{OPEN}]{{12,600}})")


@dataclass
class Found:
    speaker_text: str
    start: int
    end: int
    confidence: float
    quote: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    mention: str = ""
    pieces: list = field(default_factory=list)


def find(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, quoted in ((QUOTE_THEN_SPEAKER, True), (SPEAKER_THEN_QUOTE, True), (SPEAKER_THEN_CLAUSE, False)):
        for match in pattern.finditer(text):
            start, end = match.span("content")
            if any(a < end and start < b for a, b in taken):
                continue
            group = "s1" if match.group("s1") else "s2"
            s_start, s_end = match.span(group)
            speaker = match.group(group).strip()
            taken.append((start, end))
            found.append(
                Found(speaker, start, end, 0.9 if quoted else 0.6, text[start:end] if quoted else "", s_start, s_end)
            )
    return sorted(found, key=lambda f: f.start)
