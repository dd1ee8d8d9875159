"""Reusable reads, with their joins baked in so that pages and the API stay at a fixed query count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from claims_tracker.lib import cache

from .models import (
    FINAL_STATUSES,
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    Evidence,
    Outlet,
    RelationKind,
    Stance,
    Status,
    StatusChange,
    Story,
)

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


def claim_row_facts(claim_ids: list[int]) -> dict[int, RowFacts]:
    """Outlet count and dispute flag for a page of claims, in one query over just those ids."""
    if not claim_ids:
        return {}
    outlets = (
        Article.objects.filter(appearances__claim=OuterRef("pk"), outlet__isnull=False)
        .order_by()
        .values("appearances__claim")
        .annotate(n=Count("outlet", distinct=True))
        .values("n")
    )
    rows = (
        Claim.objects.filter(pk__in=claim_ids)
        .order_by()
        .annotate(
            outlet_count=Coalesce(Subquery(outlets, output_field=IntegerField()), 0),
            is_disputed=_disputed_expression(),
        )
        .values_list("pk", "outlet_count", "is_disputed")
    )
    return {pk: RowFacts(outlet_count=n, is_disputed=bool(d)) for pk, n, d in rows}


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


# Search -------------------------------------------------------------------------------------

# ts_headline wraps matches in these; the view escapes the text and only then turns them into
# <mark>, so nothing from the claim text reaches the page unescaped.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


def _search_query(query: str) -> SearchQuery:
    """The reader's search words as PostgreSQL reads them (web search syntax, English stemming)."""
    return SearchQuery(query, config="english", search_type="websearch")


def claim_search(qs: QuerySet[Claim], query: str, *, ranked: bool = True) -> QuerySet[Claim]:
    """Full-text search (PostgreSQL FTS), with its ranking as `rank` unless not `ranked`."""
    query = (query or "").strip()
    if not query:
        return qs
    search_query = _search_query(query)
    # F(), not the field's name: given a name, SearchRank wraps it in to_tsvector(coalesce(
    # search_vector::text)) and re-parses every match's stored vector before ranking it.
    found = qs.filter(search_vector=search_query)
    return found.annotate(rank=SearchRank(F("search_vector"), search_query)) if ranked else found


class _StatementVector(Func):
    """The part of the stored search vector that came from the statement (weight A, see the trigger)."""

    template = "ts_filter(%(expressions)s, '{a}'::\"char\"[])"
    output_field = SearchVectorField()


def claim_search_tiers(qs: QuerySet[Claim], query: str) -> list[tuple[QuerySet[Claim], bool]]:
    """ "Best match" as tiers of relevance, each read newest first, with its `fenced` flag
    (pagination.tiered_page).

    Claims whose statement has the words first, then those found only by who made
    them (claimant names, aliases, quotes): the weights the search vector carries (A, B). Within a
    tier ts_rank would only separate statements by how often a word recurs, which for a
    one-sentence claim is noise, while ranking every match is what a search for a common place
    name cannot afford at a million claims; newest first is what a newsroom reads. So a page
    costs the same however many claims match.
    """
    query = (query or "").strip()
    found = claim_search(qs, query, ranked=False)
    if not query:
        return [(found, False)]
    search_query = _search_query(query)
    statement = {"statement_vector": _StatementVector(F("search_vector"))}

    def in_statement(rows: QuerySet[Claim]) -> QuerySet[Claim]:
        return rows.alias(**statement).filter(statement_vector=search_query)

    # The second tier is always fenced: the planner cannot tell how few matches lack the words in
    # their statement (for a place name, none), and walking the date index for them would read
    # every claim.
    others = found.alias(**statement).exclude(statement_vector=search_query)
    if claim_search_is_sparse(query):
        return [(in_statement(found), True), (others, True)]
    # Common words, only AND-ed (so a statement that has them all is a match): the statement
    # condition alone, which the planner reads along the date index until the page is full.
    return [(in_statement(qs), False), (others, True)]


def _word_statistics() -> tuple[float, dict[str, float]]:
    """How many claims there are and the share of them each common search word is in, from
    PostgreSQL's own statistics (pg_class.reltuples, pg_stats most_common_elems); read at most
    every ten minutes per process."""

    def load() -> tuple[float, dict[str, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs FROM pg_class c "
                "LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname "
                "AND s.attname = 'search_vector' WHERE c.oid = %s::regclass",
                [Claim._meta.db_table],
            )
            claims, words, shares = cursor.fetchone() or (0, None, None)
        return max(float(claims or 0), 0.0), dict(zip(words or (), shares or (), strict=False))

    return cache.remembered("claims:search-word-statistics", load, timeout=600)


@lru_cache(maxsize=1024)
def _query_shape(query: str) -> tuple[tuple[str, ...], bool]:
    """The lexemes of a search (as PostgreSQL's english configuration makes them) and whether
    they are only AND-ed (no OR, NOT or phrase)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [query])
        text = cursor.fetchone()[0]
    quoted = r"'(?:[^']|'')*'"
    lexemes = tuple(m[1:-1].replace("''", "'") for m in re.findall(quoted, text))
    return lexemes, set(re.sub(quoted, "", text)) <= set("& ()")


SEARCH_PIN_LIMIT = 5000


def claim_search_pinned(qs: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """claim_search(qs, query) for lists ordered along another index (the API's keyset).

    A sparse search (claim_search_is_sparse) is pinned to the ids of its matches, read once from
    the search index: the planner then knows how few rows it has to sort, instead of walking the
    whole list for them (a word no claim has would read every claim). More matches than
    SEARCH_PIN_LIMIT were not sparse after all: walking finds a page of them soon."""
    found = claim_search(qs, query, ranked=False)
    if not claim_search_is_sparse(query):
        return found
    ids = list(found.order_by().values_list("pk", flat=True)[: SEARCH_PIN_LIMIT + 1])
    if len(ids) > SEARCH_PIN_LIMIT:
        return found
    return qs.filter(pk__in=ids) if ids else qs.none()


def search_statistics_reset() -> None:
    """Forget the cached word statistics and query shapes (tests; after a bulk load)."""
    cache.forget("claims:search-word-statistics")
    _query_shape.cache_clear()


# A row read from the matches (bitmap over the search index, then sorted) costs about this many
# rows read along the date index (index entry, heap row, vector test).
_MATCH_ROW_COST = 3.0


def claim_search_is_sparse(query: str, page_rows: int = 31) -> bool:
    """True when a page of this search is cheaper picked from all its matches than found by
    walking the date index until the page is full (pagination `fenced`). False for no search.

    Walking reads about page_rows / share rows; picking reads share * claims. The share is the
    product of each word's share in PostgreSQL's statistics (the planner's own assumption for an
    AND); a word they do not list is rare, so the search is sparse; so is an OR, NOT or phrase,
    which the planner estimates poorly. Left to itself the planner walks the index whenever it
    guesses many matches, and for a word that matches nothing that reads every claim.
    """
    query = (query or "").strip()
    if not query:
        return False
    lexemes, and_only = _query_shape(query)
    if not lexemes or not and_only:
        return True
    claims, frequency = _word_statistics()
    share = 1.0
    for lexeme in lexemes:
        if lexeme not in frequency:
            return True
        share *= frequency[lexeme]
    return share <= 0 or _MATCH_ROW_COST * share * claims < page_rows / share


def claim_search_headlines(claim_ids: list[int], query: str) -> dict[int, str]:
    """Highlighted claim text for a page of search results, with sentinel markers (see above).

    Computed for just the page's ids: ts_headline re-parses the text and is too dear to run
    over every match.
    """
    query = (query or "").strip()
    if not query or not claim_ids:
        return {}
    search_query = _search_query(query)
    rows = (
        Claim.objects.filter(pk__in=claim_ids)
        .order_by()
        .annotate(
            headline=SearchHeadline(
                "text",
                search_query,
                config="english",
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                highlight_all=True,
            )
        )
        .values_list("pk", "headline")
    )
    return dict(rows)


# One claim ----------------------------------------------------------------------------------


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
            Prefetch("evidence", queryset=Evidence.objects.select_related("article", "added_by")),
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


# Claimants, stories, articles, outlets ----------------------------------------------------


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


def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value
