"""The search text of claims, rebuilt after every write that changes what search reads; and the
aliases a search expands (SearchAlias)."""

from __future__ import annotations

from claims_tracker.lib.text import normalize_name, normalize_whitespace

from ..models import Claim, SearchAlias
from .common import ServiceError


def claim_refresh_search(*, claim_id: int) -> None:
    """Rebuild the text that search reads besides the statement: claimant names and quotes.

    On PostgreSQL a trigger (migration 0002) turns it into the weighted tsvector.
    """
    claim = Claim.objects.select_related("claimant").get(pk=claim_id)
    parts = [claim.claimant.name]
    parts += list(claim.claimant.aliases.values_list("alias", flat=True))
    for speaker, quote in claim.appearances.values_list("speaker__name", "quote"):
        parts += [speaker or "", quote or ""]
    document = normalize_whitespace(" ".join(dict.fromkeys(p for p in parts if p)))
    Claim.objects.filter(pk=claim_id).update(search_document=document)


def claimant_refresh_search(*, claimant_id: int) -> None:
    """Rebuild the search text of every claim by this claimant (after a name or alias change)."""
    for claim_id in Claim.objects.filter(claimant_id=claimant_id).values_list("pk", flat=True):
        claim_refresh_search(claim_id=claim_id)


def search_alias_set(*, alias: str, means: str) -> SearchAlias:
    """Make a search for `alias` find `means` as well (one alias has one meaning: set again, it
    changes)."""
    alias, means = normalize_whitespace(alias), normalize_whitespace(means)
    normalized = normalize_name(alias)
    if not normalized:
        raise ServiceError("Enter the name as readers write it.", field="alias")
    if not normalize_name(means):
        raise ServiceError("Enter what a search for it should find.", field="means")
    if normalized == normalize_name(means):
        raise ServiceError("An alias must differ from what it means.", field="means")
    found, _ = SearchAlias.objects.update_or_create(normalized=normalized, defaults={"alias": alias, "means": means})
    return found
