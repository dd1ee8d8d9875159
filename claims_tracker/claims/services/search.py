"""The search text of claims: rebuilt after every write that changes what search reads."""

from __future__ import annotations

from claims_tracker.lib.text import normalize_whitespace

from ..models import Claim


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
