"""Reads for the claimant, story, article and outlet pages."""

from __future__ import annotations

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from ..models import (
    FINAL_STATUSES,
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    Outlet,
    RelationKind,
    StatusChange,
    Story,
)
from .lists import claim_list


def claimant_get(*, slug: str) -> Claimant:
    """A claimant with four levels of affiliation joined (the chain shown on the page)."""
    return Claimant.objects.select_related(
        "affiliation", "affiliation__affiliation", "affiliation__affiliation__affiliation"
    ).get(slug=slug)


def claimant_track_record(*, claimant: Claimant, per_status: int = 20) -> tuple[dict[str, int], dict[str, list]]:
    """Counts of final states, and up to `per_status` claims behind each (two queries)."""
    base = Claim.objects.filter(claimant=claimant, merged_into__isnull=True, status__in=FINAL_STATUSES)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    ranked = (
        base.defer("search_vector", "search_document")
        .annotate(
            row=Window(
                RowNumber(), partition_by=[F("status")], order_by=[F("status_changed_at").desc(), F("id").desc()]
            )
        )
        .filter(row__lte=per_status)
        .order_by("status", "-status_changed_at", "-id")
    )
    claims: dict[str, list] = {status: [] for status in FINAL_STATUSES}
    for claim in ranked:
        claims[claim.status].append(claim)
    return {status: counts.get(status, 0) for status in FINAL_STATUSES}, claims


def claimant_open_claims(*, claimant: Claimant, limit: int = 30) -> list[Claim]:
    return list(
        Claim.objects.filter(claimant=claimant, merged_into__isnull=True)
        .exclude(status__in=FINAL_STATUSES)
        .defer("search_vector", "search_document")
        .order_by("-claimed_at", "-id")[:limit]
    )


def story_claims(*, story: Story, limit: int = 200) -> list[Claim]:
    return list(
        claim_list(annotate=False)
        .filter(Exists(Claim.stories.through.objects.filter(claim_id=OuterRef("pk"), story=story)))
        .order_by("-claimed_at", "-id")[:limit]
    )


def story_status_changes(*, claim_ids: list[int], limit: int = 300) -> list[StatusChange]:
    """State changes of the story's claims, leaving out each claim's first (logged) entry."""
    return list(
        StatusChange.objects.filter(claim_id__in=claim_ids)
        .exclude(from_status="")
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )


def story_contradictions(*, claim_ids: list[int]) -> list[ClaimRelation]:
    return list(
        ClaimRelation.objects.filter(kind=RelationKind.CONTRADICTS)
        .filter(Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids))
        .select_related("from_claim__claimant", "to_claim__claimant")
        .defer(
            "from_claim__search_vector",
            "from_claim__search_document",
            "to_claim__search_vector",
            "to_claim__search_document",
        )
        .order_by("created_at", "id")
    )


def article_get(*, pk: int) -> Article:
    appearances = (
        Appearance.objects.select_related("speaker", "claim")
        .defer("claim__search_vector", "claim__search_document")
        .order_by("start_offset", "id")
    )
    return (
        Article.objects.select_related("outlet")
        .prefetch_related(Prefetch("appearances", queryset=appearances))
        .get(pk=pk)
    )


def outlet_articles(*, outlet: Outlet, limit: int = 50) -> list[Article]:
    # A correlated count per listed article: a GROUP BY would count every article first.
    claims = (
        Appearance.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("claim_id", distinct=True))
        .values("n")
    )
    return list(
        Article.objects.filter(outlet=outlet)
        .defer("text", "claimreview")
        .annotate(claim_count=Coalesce(Subquery(claims, output_field=IntegerField()), 0))
        .order_by(F("published_at").desc(nulls_last=True), "-id")[:limit]
    )


def outlet_claims(*, outlet: Outlet, limit: int = 50) -> list[Claim]:
    carried = Appearance.objects.filter(claim_id=OuterRef("pk"), article__outlet=outlet).order_by()
    return list(claim_list(annotate=False).filter(Exists(carried)).order_by("-claimed_at", "-id")[:limit])
