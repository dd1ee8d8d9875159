"""The attribution finder: an article's text in, attributed statements (candidate claims) out.

Pure Python and deterministic: no model, no network. `find_attributions(text, matcher=...)` returns
one `Attribution` per statement, with character offsets into `text` (`pieces`: the quote or reported
clause, in more than one piece when a quote goes on after its attribution; start..end spans them all),
the reporting verb, `direct` (a quotation) and, when a `ClaimantMatcher` is given, the claimant the
speaker matched.

Pieces: segment (paragraphs, quotes, sentences), lexicon (reporting verbs and their stances),
speakers (speaker phrases around a verb), coref (pronouns and "the ministry"), context (the text around a
cue), finder (the rules), calibration (each rule's measured precision, the candidates' confidence).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .calibration import calibrated
from .finder import Attribution, Finder

if TYPE_CHECKING:
    from claims_tracker.ingest.matching import ClaimantMatcher

__all__ = ["Attribution", "MAX_TEXT_CHARS", "find_attributions"]

# Longer input is cut, not refused: an article is far shorter, and a candidate list is still useful.
MAX_TEXT_CHARS = 2_000_000


def find_attributions(text: str, *, matcher: ClaimantMatcher | None = None) -> list[Attribution]:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text.strip():
        return []
    text = text[:MAX_TEXT_CHARS]
    original, text = text, _double_apostrophes(text)
    best: dict[tuple[int, int], Attribution] = {}
    cache: dict[str, tuple[int | None, tuple]] = {}
    found_list = Finder(text).run()
    # A quote that continues a statement joins it as a piece (unless a rule found that span on its own).
    own_spans = {(f.start, f.end) for f in found_list if f.parent is None}
    pieces: dict[int, list[tuple[int, int]]] = {}
    for found in found_list:
        if found.parent is not None and (found.start, found.end) not in own_spans:
            pieces.setdefault(id(found.parent), []).append((found.start, found.end))
    for found in found_list:
        if found.parent is not None:
            continue
        speaker = found.speaker.text
        if speaker not in cache:
            cache[speaker] = _match(matcher, speaker)
        claimant_id, candidates = cache[speaker]
        # Measured precision of the rule (calibration.py), a little more when the speaker is a known claimant.
        estimate = calibrated(found.pattern, speaker, found.mention, found.confidence)
        confidence = min(0.99, estimate + (0.05 if claimant_id is not None else 0.0))
        spans = sorted({(found.start, found.end), *pieces.get(id(found), ())})
        start, end = spans[0][0], spans[-1][1]
        sentence_start = min(found.sentence.start, start)
        sentence_end = max(found.sentence.end, end)
        statement = " … ".join(original[a:b] for a, b in spans)
        attribution = Attribution(
            speaker_text=speaker,
            claimant_id=claimant_id,
            statement=statement,
            quote=statement if found.quote else "",
            verb=found.verb,
            stance=str(found.stance),
            confidence=round(confidence, 3),
            start=start,
            end=end,
            sentence=original[sentence_start:sentence_end],
            speaker_start=found.speaker.start,
            speaker_end=found.speaker.end,
            mention=found.mention,
            pattern=found.pattern,
            candidates=candidates,
            pieces=tuple(spans),
            direct=found.quote,
        )
        key = (start, end)
        # One candidate per span (the database holds it unique); the surest reading wins.
        if key not in best or best[key].confidence < attribution.confidence:
            best[key] = attribution
    return sorted(best.values(), key=lambda a: (a.start, a.end))


_DOUBLE_APOSTROPHE = re.compile(r"(?<!')'''?(?!')")


def _double_apostrophes(text: str) -> str:
    """NYT's ''quote'' as “quote”, two characters for two so every offset holds: an opening pair becomes " “",
    a closing pair "” "."""
    if "''" not in text:
        return text

    def mark(match: re.Match) -> str:
        at, end = match.span()
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        opening = (before.isspace() or before in "([—–-") and not after.isspace()
        if end - at == 3:  # three apostrophes hold a single quote mark too: 'old-school,'''
            return " “'" if opening else "'” "
        return " “" if opening else "” "

    return _DOUBLE_APOSTROPHE.sub(mark, text)


def _match(matcher: ClaimantMatcher | None, speaker: str) -> tuple[int | None, tuple]:
    if matcher is None:
        return None, ()
    result = matcher.match(speaker)
    return result.claimant_id, result.candidates
