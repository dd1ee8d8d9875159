"""The attribution finder: an article's text in, attributed statements (candidate claims) out.

Pure Python and deterministic: no model, no network. `find_attributions(text, matcher=...)` returns
one `Attribution` per statement span, with character offsets into `text` (text[start:end] is the quote
or the reported clause) and, when a `ClaimantMatcher` is given, the claimant the speaker matched.

Pieces: segment (paragraphs, quotes, sentences), lexicon (reporting verbs and their stances),
speakers (speaker phrases around a verb), coref (pronouns and "the ministry"), finder (the rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    best: dict[tuple[int, int], Attribution] = {}
    cache: dict[str, tuple[int | None, tuple]] = {}
    for found in Finder(text).run():
        speaker = found.speaker.text
        if speaker not in cache:
            cache[speaker] = _match(matcher, speaker)
        claimant_id, candidates = cache[speaker]
        confidence = min(0.99, found.confidence + (0.05 if claimant_id is not None else 0.0))
        sentence_start = min(found.sentence.start, found.start)
        sentence_end = max(found.sentence.end, found.end)
        statement = text[found.start : found.end]
        attribution = Attribution(
            speaker_text=speaker,
            claimant_id=claimant_id,
            statement=statement,
            quote=statement if found.quote else "",
            verb=found.verb,
            stance=str(found.stance),
            confidence=round(confidence, 3),
            start=found.start,
            end=found.end,
            sentence=text[sentence_start:sentence_end],
            speaker_start=found.speaker.start,
            speaker_end=found.speaker.end,
            mention=found.mention,
            pattern=found.pattern,
            candidates=candidates,
        )
        key = (found.start, found.end)
        # One candidate per span (the database holds it unique); the surest reading wins.
        if key not in best or best[key].confidence < attribution.confidence:
            best[key] = attribution
    return sorted(best.values(), key=lambda a: (a.start, a.end))


def _match(matcher: ClaimantMatcher | None, speaker: str) -> tuple[int | None, tuple]:
    if matcher is None:
        return None, ()
    result = matcher.match(speaker)
    return result.claimant_id, result.candidates
