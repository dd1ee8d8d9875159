"""Full-text search over claims: matching, "Best match" tiers, whether a search is sparse (from
PostgreSQL's own statistics), pinning a sparse search to its matches, and highlighted headlines."""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Func, QuerySet

from claims_tracker.lib import cache
from claims_tracker.lib.text import normalize_name

from ..models import Claim, SearchAlias

# ts_headline wraps matches in these; the view escapes the text and only then turns them into
# <mark>, so nothing from the claim text reaches the page unescaped.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


def _search_query(query: str) -> SearchQuery:
    """The reader's search words as PostgreSQL reads them (web search syntax, English stemming),
    each word with an alias or accents also searched as what it means (`_expanded`)."""
    expanded = _expanded(query)
    if expanded is not None:
        return SearchQuery(expanded, config="english", search_type="raw")
    return SearchQuery(query, config="english", search_type="websearch")


# Aliases and accents ------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def _aliases() -> dict[str, str]:
    """SearchAlias as {normalised alias: what it means}; read at most every minute per process."""
    load = lambda: dict(SearchAlias.objects.values_list("normalized", "means"))  # noqa: E731
    return cache.remembered("claims:search-aliases", load, timeout=60)


def _replacements(query: str) -> tuple[tuple[str, str], ...]:
    """(word as typed, what to search for as well) for each word of `query` that has an alias, or
    accents (searched without them too)."""
    aliases, found = _aliases(), {}
    for word in WORD.findall(query):
        plain = normalize_name(word)
        also = aliases.get(plain) or (plain if plain and plain != word.casefold() else "")
        if also:
            found[word] = also
    return tuple(found.items())


def _expanded(query: str) -> str | None:
    """The search as a tsquery in which each word with a replacement (`_replacements`) reads
    `( word | replacement )`, wherever it stands (in a phrase, after a minus); None when no word
    has one. PostgreSQL writes every part (websearch_to_tsquery), so the text is well formed."""
    query = (query or "").strip()
    replacements = _replacements(query) if query else ()
    return _expand(query, replacements) if replacements else None


@lru_cache(maxsize=1024)
def _expand(query: str, replacements: tuple[tuple[str, str], ...]) -> str | None:
    words = [w for pair in replacements for w in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', %s)::text, "
            "array(SELECT websearch_to_tsquery('english', w)::text FROM unnest(%s::text[]) AS w)",
            [query, words],
        )
        text, parsed = cursor.fetchone()
    for word, also in zip(parsed[0::2], parsed[1::2], strict=True):
        if word and also and word != also and re.fullmatch(r"'(?:[^']|'')*'", word):
            text = text.replace(word, f"( {word} | {also} )")
    return text or None


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


def claim_word_statistics() -> tuple[float, dict[str, float]]:
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
    cache.forget("claims:search-aliases")
    _query_shape.cache_clear()
    _expand.cache_clear()


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
    if _expanded(query) is not None:
        return True  # an OR of a word and its alias: the planner estimates it poorly
    lexemes, and_only = _query_shape(query)
    if not lexemes or not and_only:
        return True
    claims, frequency = claim_word_statistics()
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
