"""Attributions in an article's text -> Candidates, with the claimant matcher built once per worker process."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db.models import Count, Max

from claims_tracker.claims.models import Article, Claimant, IngestState, Stance

from ..models import Candidate
from . import claim, store

log = logging.getLogger(__name__)

# The matcher is rebuilt when the claimants' fingerprint changes. The fingerprint is read at most once a
# second per worker (a claimant added now is matched in articles that start a second later), and the matcher
# is rebuilt after five minutes regardless, as a backstop for a write the fingerprint cannot see (a raw UPDATE
# of a name that leaves updated_at alone).
_MATCHER_RECHECK = 1.0
_MATCHER_MAX_AGE = 300.0
_matcher_cache: dict[str, Any] = {"matcher": None, "at": 0.0, "checked": 0.0, "fingerprint": None}
_STANCES = frozenset(Stance.values)


def _claimants_fingerprint() -> tuple:
    """Changes whenever a claimant or alias is added, removed or renamed; one query.

    Claimants: count and latest updated_at (auto_now, so every save counts; the admin's alias inline saves
    the claimant too). Aliases have no timestamp: count and highest id change on every insert or delete,
    and the services replace aliases rather than edit them.
    """
    found = Claimant.objects.aggregate(
        claimant_count=Count("pk", distinct=True),
        claimant_updated=Max("updated_at"),
        alias_count=Count("aliases", distinct=True),
        alias_newest=Max("aliases__id"),
    )
    return tuple(found.values())


def _matcher():
    """This worker's ClaimantMatcher, rebuilt only when the claimants changed (building it reads every alias)."""
    from ..matching import ClaimantMatcher

    cache, now = _matcher_cache, time.monotonic()
    if cache["matcher"] is not None and now - cache["checked"] < _MATCHER_RECHECK:
        return cache["matcher"]
    fingerprint = _claimants_fingerprint()
    cache["checked"] = now
    if cache["matcher"] is None or cache["fingerprint"] != fingerprint or now - cache["at"] > _MATCHER_MAX_AGE:
        # Read before building: a change made meanwhile is seen at the next check and rebuilds again.
        cache.update(matcher=ClaimantMatcher.from_db(), fingerprint=fingerprint, at=now)
    return cache["matcher"]


def reset_matcher_cache() -> None:
    _matcher_cache.update(matcher=None, fingerprint=None)


def candidates_find(article_id: int, text: str) -> tuple[list[Candidate], str]:
    """The article's candidates from the attribution finder (unsaved), or ([], reason) when the finder broke."""
    from .. import attribution

    try:
        found = attribution.find_attributions(text, matcher=_matcher())
    except Exception as exc:  # a bug in the finder must fail this article visibly, not the worker
        log.exception("attribution finding failed for article %s", article_id)
        return [], f"Finding attributions failed: {exc.__class__.__name__}: {exc}"
    return [_candidate(article_id, a) for a in found], ""


def _candidate(article_id: int, a) -> Candidate:
    """A found attribution as an unsaved Candidate, cut to the columns' limits."""
    return Candidate(
        article_id=article_id,
        sentence=a.sentence or a.statement or a.quote,
        statement=a.statement or "",
        quote=a.quote or "",
        speaker_text=(a.speaker_text or "")[:300],
        claimant_id=a.claimant_id,
        verb=(a.verb or "")[:50],
        stance=a.stance if a.stance in _STANCES else Stance.ASSERTS.value,
        confidence=min(1.0, max(0.0, float(a.confidence))),
        start_offset=a.start,
        end_offset=a.end,
        pieces=[list(piece) for piece in a.pieces],
        direct=a.direct,
    )


def article_find_candidates(article_id: int, *, holder: str = "") -> int:
    """Attributions in the article's stored text -> Candidates, then done (pasted text). Returns the count.

    Claimed first (extracting), so a second message for the article, while it runs or once it is done, does nothing.
    """
    if not claim.article_claim(article_id, to=IngestState.EXTRACTING, holder=holder):
        return Candidate.objects.filter(article_id=article_id).count()
    text = Article.objects.filter(pk=article_id).values_list("text", flat=True).first() or ""
    candidates, error = candidates_find(article_id, text)
    if error:
        claim.article_fail(article_id, error)
        return 0
    store.article_store(article_id, {"ingest_state": IngestState.DONE, "last_error": ""}, candidates)
    return len({(c.start_offset, c.end_offset) for c in candidates})
