"""One claim: its page (everything it shows, in a fixed number of queries), its status as of a
date, and claims prefetched for their ClaimReview JSON-LD."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Prefetch, QuerySet

from ..models import Appearance, Claim, ClaimRelation, Evidence, StatusChange


def claim_get(*, pk: int) -> Claim:
    """One claim with everything its page shows, in a fixed number of queries."""
    appearances = Appearance.objects.select_related("article", "article__outlet", "speaker").order_by(
        F("article__published_at").asc(nulls_last=True), "id"
    )
    changes = (
        StatusChange.objects.select_related("changed_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("article")))
        .order_by("-changed_at", "-id")
    )
    return (
        Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by", "merged_into")
        .prefetch_related(
            Prefetch("appearances", queryset=appearances),
            Prefetch("status_changes", queryset=changes),
            Prefetch("evidence", queryset=Evidence.objects.select_related("article", "added_by", "archive__record")),
            "stories",
            Prefetch(
                "relations_out",
                queryset=ClaimRelation.objects.select_related("to_claim__claimant").defer(
                    "to_claim__search_vector", "to_claim__search_document"
                ),
            ),
            Prefetch(
                "relations_in",
                queryset=ClaimRelation.objects.select_related("from_claim__claimant").defer(
                    "from_claim__search_vector", "from_claim__search_document"
                ),
            ),
        )
        .defer("search_vector", "search_document")
        .get(pk=pk)
    )


def claim_card_get(*, pk: int) -> Claim:
    """One claim with what its share card shows (claims.card), in one query."""
    return (
        Claim.objects.select_related("claimant")
        .only("pk", "text", "status", "status_changed_at", "claimant__name")
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


def claim_list_for_jsonld(*, statuses=None) -> QuerySet[Claim]:
    """Claims with what `jsonld.claim_jsonld` reads prefetched (claimant, appearances' articles)."""
    appearances = Appearance.objects.select_related("article", "article__outlet").order_by("id")
    qs = (
        Claim.objects.filter(merged_into__isnull=True)
        .select_related("claimant", "claimant__affiliation")
        .defer("search_vector", "search_document")
        .prefetch_related(Prefetch("appearances", queryset=appearances))
    )
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    return qs
