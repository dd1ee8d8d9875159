"""Reusable reads, with their joins baked in so that pages and the API stay at a fixed query count."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .models import Appearance, Claim, ClaimRelation, RelationKind, Stance, Status, StatusChange


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def claim_list(*, include_merged: bool = False) -> QuerySet[Claim]:
    """Claims for lists: claimant and affiliation joined, outlet count and dispute flag annotated."""
    qs = Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by").defer(
        "search_vector", "search_document"
    )
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    disputing = Appearance.objects.filter(claim=OuterRef("pk"), stance__in=[Stance.DENIES, Stance.DISPUTES])
    contradicted = ClaimRelation.objects.filter(
        Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")), kind=RelationKind.CONTRADICTS
    )
    return qs.annotate(
        outlet_count=Count("appearances__article__outlet", distinct=True),
        is_disputed=Exists(disputing) | Exists(contradicted),
    )


def claim_search(qs: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Full-text search: PostgreSQL FTS with ranking; a plain substring match on SQLite."""
    query = (query or "").strip()
    if not query:
        return qs
    if is_postgresql():
        from django.contrib.postgres.search import SearchQuery, SearchRank

        search_query = SearchQuery(query, config="english", search_type="websearch")
        return qs.filter(search_vector=search_query).annotate(rank=SearchRank("search_vector", search_query))
    words = query.split()
    for word in words:
        qs = qs.filter(Q(text__icontains=word) | Q(search_document__icontains=word))
    return qs


def claim_get(*, pk: int) -> Claim:
    """One claim with everything its page shows, in a fixed number of queries."""
    appearances = Appearance.objects.select_related("article", "article__outlet", "speaker").order_by(
        "article__published_at", "id"
    )
    changes = (
        StatusChange.objects.select_related("changed_by").prefetch_related("evidence").order_by("-changed_at", "-id")
    )
    return (
        Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by", "merged_into")
        .prefetch_related(
            Prefetch("appearances", queryset=appearances),
            Prefetch("status_changes", queryset=changes),
            "evidence__article",
            "stories",
            Prefetch("relations_out", queryset=ClaimRelation.objects.select_related("to_claim__claimant")),
            Prefetch("relations_in", queryset=ClaimRelation.objects.select_related("from_claim__claimant")),
        )
        .get(pk=pk)
    )


def claim_status_as_of(*, claim: Claim, when: datetime) -> StatusChange | None:
    """The change in force at `when`: what was known on that date. None before the claim existed."""
    return (
        StatusChange.objects.filter(claim=claim, changed_at__lte=when)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
        .first()
    )


def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value
