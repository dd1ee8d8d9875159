"""A plain regex attribution finder: the baseline the finder must beat on the same data.

Four shapes, nothing else: “…,” X said / “…,” said X; X said (that) <clause>.; X said: “…”; according to X.
Speakers are a few capitalised words (a lower-case title before them allowed) or a pronoun; no coreference, no
paragraphs, no lexicon beyond a couple of dozen verbs. ''NYT quotes'' count as quote marks. Returns objects with
the fields bench/eval_attribution.py reads (start, end, speaker_text, confidence, pieces, mention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VERBS = (
    r"(?:said|says|say|told|tells|added|adds|asked|wrote|writes|stated|explained|argued|claimed|insisted|warned"
    r"|noted|tweeted|declared|announced|acknowledged|admitted|recalled|replied|continued|suggested|contended)"
)
NAME = r"(?:[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|van|von|al-))\s*){0,4}[A-Z][\w.’'-]*"
PRONOUN = r"(?:he|she|they|He|She|They|I|We|we|it|It)"
TITLE = r"(?:(?:the|a|an|The|A|An|former|Former)\s+)?(?:[a-z][\w-]*\s+){0,3}"
HEADS = r"(?:spokesman|spokeswoman|official|officials|campaign|statement|report)"
SPEAKER = rf"(?:{TITLE}{NAME}|{PRONOUN}|(?:the|a|an|The|A|An)\s+[a-z][\w -]{{1,30}}?{HEADS})"
OPEN = '"“'
CLOSE = '"”'

QUOTE_THEN_SPEAKER = re.compile(
    rf"[{OPEN}](?P<content>[^{CLOSE}]{{8,1500}}?)[,?!]?[{CLOSE}]\s*,?\s*"
    rf"(?:(?P<s1>{SPEAKER})\s+{VERBS}|{VERBS}\s+(?P<s2>{SPEAKER}))"
)
SPEAKER_THEN_QUOTE = re.compile(
    rf"(?P<s1>{SPEAKER})\s+{VERBS}\s*[,:]\s*[{OPEN}](?P<content>[^{CLOSE}]{{8,1500}}?)[{CLOSE}]"
)
SPEAKER_THEN_CLAUSE = re.compile(rf"(?P<s1>{SPEAKER})\s+{VERBS}(?:\s+that)?\s+(?P<content>[^.!?\n{OPEN}]{{12,600}})")
ACCORDING = re.compile(rf"(?P<content>[A-Z][^.!?\n]{{12,600}}?),\s+according\s+to\s+(?P<s1>{SPEAKER})")
ANY_QUOTES = re.compile(r"''")


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
    text = ANY_QUOTES.sub(' "', text)  # ''quote'' -> "quote", two characters for two
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    shapes = ((QUOTE_THEN_SPEAKER, True), (SPEAKER_THEN_QUOTE, True), (ACCORDING, False), (SPEAKER_THEN_CLAUSE, False))
    for pattern, quoted in shapes:
        for match in pattern.finditer(text):
            start, end = match.span("content")
            if any(a < end and start < b for a, b in taken):
                continue
            group = "s1" if match.group("s1") else "s2"
            s_start, s_end = match.span(group)
            taken.append((start, end))
            speaker = match.group(group).strip()
            found.append(Found(speaker, start, end, 0.9 if quoted else 0.6, "", s_start, s_end))
    return sorted(found, key=lambda f: f.start)
