"""One claim: its page (everything it shows, in a fixed number of queries), its status as of a
date, and claims prefetched for their ClaimReview JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject

from ..models import Appearance, Claim, ClaimRelation, Evidence, StatusChange, Story


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


@dataclass
class ClaimPage:
    """What the reader's claim page shows. Each change carries `cited`: the evidence it cites."""

    claim: Claim
    changes: list[StatusChange]
    evidence: list[Evidence]
    stories: list[Story]
    relations: list[ClaimRelation]  # both directions, those from the claim first


def claim_page_get(*, pk: int) -> ClaimPage:
    """One claim with everything the reader's page shows, in five queries (claim_get takes eight):
    stories ride on the claim's row as JSON, each change carries its cited evidence ids (read from
    the claim's evidence, which the rules of states require them to be), and the relations both
    ways come in one query. Raises Claim.DoesNotExist."""
    stories = (
        Claim.stories.through.objects.filter(claim_id=OuterRef("pk"))
        .order_by(F("story__started_on").desc(nulls_last=True), "story__title")
        .values(json=JSONObject(id="story_id", slug="story__slug", title="story__title"))
    )
    appearances = Appearance.objects.select_related("article", "article__outlet", "speaker").order_by(
        F("article__published_at").asc(nulls_last=True), "id"
    )
    claim = (
        Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by", "merged_into")
        .prefetch_related(Prefetch("appearances", queryset=appearances))
        .annotate(story_rows=ArraySubquery(stories))
        .defer("search_vector", "search_document", "merged_into__search_vector", "merged_into__search_document")
        .get(pk=pk)
    )
    cited = StatusChange.evidence.through.objects.filter(statuschange_id=OuterRef("pk")).values("evidence_id")
    changes = list(
        StatusChange.objects.filter(claim_id=pk)
        .select_related("changed_by")
        .annotate(cited_ids=ArraySubquery(cited))
        .order_by("-changed_at", "-id")
    )
    evidence = list(
        Evidence.objects.filter(claim_id=pk)
        .select_related("article", "added_by", "archive__record")
        .order_by("created_at", "id")
    )
    by_id = {e.pk: e for e in evidence}
    missing = {i for change in changes for i in change.cited_ids if i not in by_id}
    if missing:  # cited by this claim's history but moved since (a merge): read them too
        by_id.update(Evidence.objects.select_related("article").in_bulk(missing))
    for change in changes:
        change.cited = sorted((by_id[i] for i in change.cited_ids if i in by_id), key=lambda e: (e.created_at, e.pk))
    relations = sorted(
        ClaimRelation.objects.filter(Q(from_claim_id=pk) | Q(to_claim_id=pk))
        .select_related("from_claim__claimant", "to_claim__claimant")
        .defer(*(f"{side}__{f}" for side in ("from_claim", "to_claim") for f in ("search_vector", "search_document"))),
        key=lambda r: (r.from_claim_id != pk, r.created_at, r.pk),
    )
    return ClaimPage(
        claim=claim,
        changes=changes,
        evidence=evidence,
        stories=[Story(pk=row["id"], slug=row["slug"], title=row["title"]) for row in claim.story_rows],
        relations=relations,
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
