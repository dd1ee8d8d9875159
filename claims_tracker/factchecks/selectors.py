"""Reads of fact-checks found, with what their rows show loaded in a fixed number of queries."""

from __future__ import annotations

from claims_tracker.claims.models import Claim

from .models import FactCheck, FactCheckState


def factcheck_list(*, state: str = FactCheckState.NEW, article_id: int | None = None, limit: int = 100) -> list:
    """Fact-checks in a state, newest first, each with `.match_claims` (its matched claims, best first)."""
    qs = FactCheck.objects.select_related("article", "feed", "claim", "evidence").filter(state=state)
    if article_id is not None:
        qs = qs.filter(article_id=article_id)
    rows = list(qs.defer("raw")[:limit])
    ids = {m["claim"] for row in rows for m in row.matches if isinstance(m, dict) and "claim" in m}
    claims = Claim.objects.filter(pk__in=ids, merged_into__isnull=True).only("pk", "text", "status").in_bulk()
    for row in rows:
        row.match_claims = [claims[m["claim"]] for m in row.matches if m.get("claim") in claims]
    return rows
