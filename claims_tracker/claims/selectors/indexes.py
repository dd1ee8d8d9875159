"""Reads for the claimant and story indexes (the A-Z of who made claims, and every story).

At a million claims a count per claimant through correlated subqueries read every claim of every
listed claimant five times over (10 s for the index). The counts come instead from one grouped
query over the listed claimants, answered from the partial index `claim_claimant_status`
(claimant, status) on unmerged claims without touching the table.
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Left, Upper

from ..models import FINAL_STATUSES, Claim, Claimant, Story

INDEX_LIMIT = 500  # claimants on one index page; a letter reaches the rest


def claimant_index_letters() -> list[str]:
    """The first letters of claimants' names, upper case, in order (one query over the names)."""
    letters = Claimant.objects.annotate(letter=Upper(Left("name", 1))).values_list("letter", flat=True)
    return sorted(set(letters.order_by().distinct()))


def claimant_index(*, letter: str = "", limit: int = INDEX_LIMIT) -> list[Claimant]:
    """Claimants in name order (those whose name starts with `letter`, when given), each with
    `claims_total` and `record`: {final state: count} (final states only, never claims merely
    logged). Two queries."""
    qs = Claimant.objects.only("slug", "name", "kind", "role", "side")
    if letter:
        qs = qs.filter(name__istartswith=letter)
    claimants = list(qs.order_by("name", "id")[:limit])
    counts = (
        Claim.objects.filter(claimant__in=[c.pk for c in claimants], merged_into__isnull=True)
        .order_by()
        .values_list("claimant_id", "status")
        .annotate(n=Count("*"))
    )
    by_claimant: dict[int, dict[str, int]] = {}
    for claimant_id, status, n in counts:
        by_claimant.setdefault(claimant_id, {})[status] = n
    for claimant in claimants:
        found = by_claimant.get(claimant.pk, {})
        claimant.claims_total = sum(found.values())
        claimant.record = {s: found[s] for s in FINAL_STATUSES if found.get(s)}
    return claimants


def story_index() -> list[Story]:
    """Every story, newest first. (No claim counts: at a million claims they read every link.)"""
    return list(Story.objects.only("slug", "title", "place", "started_on", "ended_on").order_by("-started_on", "title"))
