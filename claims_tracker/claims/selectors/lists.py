"""Claim lists: the rows every list shows (claimant joined), their per-page facts (outlet count,
dispute flag), and the reader list's filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import Appearance, Article, Claim, Claimant, ClaimRelation, Outlet, RelationKind, Stance, Status, Story
from .claim_sql import CLAIM_FROM, CLAIM_JOINS, ROW_FACTS_SQL, load_claim

DISPUTING_STANCES = (Stance.DENIES, Stance.DISPUTES)


def _disputed_expression():
    disputing = Appearance.objects.filter(claim=OuterRef("pk"), stance__in=DISPUTING_STANCES)
    contradicted = ClaimRelation.objects.filter(
        Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")), kind=RelationKind.CONTRADICTS
    )
    return Exists(disputing) | Exists(contradicted)


def claim_list(*, include_merged: bool = False, annotate: bool = True) -> QuerySet[Claim]:
    """Claims for lists: claimant and affiliation joined.

    With `annotate` (the default, kept for callers that read `outlet_count`/`is_disputed` off
    each row) the outlet count is a GROUP BY over appearances, which costs a full join on a
    large table: lists that page through many claims should pass `annotate=False` and call
    `claim_row_facts()` for just the page's ids.
    """
    qs = Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by").defer(
        "search_vector", "search_document"
    )
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if not annotate:
        return qs
    return qs.annotate(
        outlet_count=Count("appearances__article__outlet", distinct=True),
        is_disputed=_disputed_expression(),
    )


@dataclass(frozen=True)
class RowFacts:
    outlet_count: int
    is_disputed: bool


def _outlet_count_expression():
    outlets = (
        Article.objects.filter(appearances__claim=OuterRef("pk"), outlet__isnull=False)
        .order_by()
        .values("appearances__claim")
        .annotate(n=Count("outlet", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(outlets, output_field=IntegerField()), 0)


# The page's rows and their facts, by written-out SQL (see claim_sql): the lists run on every request.
_ROW_FACTS_SQL = f"SELECT c.id, {ROW_FACTS_SQL} FROM claims_claim c WHERE c.id = ANY(%s)"
_ROWS_SQL = (
    f"SELECT {', '.join(part.sql for part in CLAIM_JOINS)}, {ROW_FACTS_SQL} FROM {CLAIM_FROM} WHERE c.id = ANY(%s)"
)


def _row_facts_params() -> list:
    return [[str(s) for s in DISPUTING_STANCES], str(RelationKind.CONTRADICTS)]


def claim_row_facts(claim_ids: list[int]) -> dict[int, RowFacts]:
    """Outlet count and dispute flag for a page of claims, in one query over just those ids."""
    if not claim_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_ROW_FACTS_SQL, [*_row_facts_params(), list(claim_ids)])
        rows = cursor.fetchall()
    return {pk: RowFacts(outlet_count=n, is_disputed=bool(d)) for pk, n, d in rows}


def claim_rows(claim_ids: list[int]) -> list[Claim]:
    """The claims of a page picked by id, in that order, as claim_list() joins them, each with its
    `outlet_count` and `is_disputed`: the rows and their facts in one query over just those ids."""
    if not claim_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_ROWS_SQL, [*_row_facts_params(), list(claim_ids)])
        rows = cursor.fetchall()
    by_id = {}
    for row in rows:
        claim, _, (outlet_count, is_disputed) = load_claim(row)
        claim.outlet_count, claim.is_disputed = outlet_count, bool(is_disputed)
        by_id[claim.pk] = claim
    return [by_id[pk] for pk in claim_ids if pk in by_id]


def claim_rows_picked(sql: str, params: Sequence[Any], direction: str) -> list[Claim]:
    """claim_rows() for the claims a query picks, in the same round trip: `sql` selects (sort value,
    id), ordered by both in `direction` ("ASC" or "DESC"). A pagination.Loader: the list's page is
    picked and read in one query."""
    if direction not in ("ASC", "DESC"):
        raise ValueError(f"direction must be ASC or DESC, not {direction!r}")
    sql = f"""SELECT {", ".join(part.sql for part in CLAIM_JOINS)}, {ROW_FACTS_SQL}
FROM ({sql}) AS picked (sort_value, id) JOIN {CLAIM_FROM} ON c.id = picked.id
ORDER BY picked.sort_value {direction}, picked.id {direction}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_row_facts_params(), *params])
        rows = cursor.fetchall()
    claims = []
    for row in rows:
        claim, _, (outlet_count, is_disputed) = load_claim(row)
        claim.outlet_count, claim.is_disputed = outlet_count, bool(is_disputed)
        claims.append(claim)
    return claims


def claim_attach_row_facts(claims: list[Claim]) -> list[Claim]:
    """Set `outlet_count` and `is_disputed` on each claim of a page (one query)."""
    facts = claim_row_facts([c.pk for c in claims])
    for claim in claims:
        fact = facts.get(claim.pk, RowFacts(0, False))
        claim.outlet_count = fact.outlet_count
        claim.is_disputed = fact.is_disputed
    return claims


# Filters ------------------------------------------------------------------------------------


@dataclass
class ClaimFilters:
    status: str = ""
    claimant: Claimant | None = None
    story: Story | None = None
    outlet: Outlet | None = None
    claimed_from: datetime | None = None
    claimed_to: datetime | None = None  # exclusive


def claim_filter(qs: QuerySet[Claim], filters: ClaimFilters) -> QuerySet[Claim]:
    """Apply the reader list's filters; each is written so an index can drive it."""
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.claimant is not None:
        qs = qs.filter(claimant=filters.claimant)
    if filters.story is not None:
        qs = qs.filter(Exists(Claim.stories.through.objects.filter(claim_id=OuterRef("pk"), story=filters.story)))
    if filters.outlet is not None:
        qs = qs.filter(
            Exists(Appearance.objects.filter(claim_id=OuterRef("pk"), article__outlet=filters.outlet).order_by())
        )
    if filters.claimed_from is not None:
        qs = qs.filter(claimed_at__gte=filters.claimed_from)
    if filters.claimed_to is not None:
        qs = qs.filter(claimed_at__lt=filters.claimed_to)
    return qs


def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value
