""" "Did you mean": the names a misspelt search was probably after, by trigram similarity (pg_trgm).

The words compared against are the names readers search for: claimants and their aliases,
stories' titles and places, outlets, and what search aliases mean. That list is small next to the
claims, so a suggestion costs one query over it, made only when a search found nothing.
"""

from __future__ import annotations

from django.db import connection

from .search import WORD

SIMILARITY = 0.4  # pg_trgm similarity from which a name counts as what was meant

_SQL = """
WITH vocabulary AS (
    SELECT DISTINCT lower(w) AS w FROM (
        SELECT regexp_split_to_table(name, '[^[:alnum:]]+') FROM claims_claimant
        UNION ALL SELECT regexp_split_to_table(alias, '[^[:alnum:]]+') FROM claims_claimantalias
        UNION ALL SELECT regexp_split_to_table(title || ' ' || place, '[^[:alnum:]]+') FROM claims_story
        UNION ALL SELECT regexp_split_to_table(name, '[^[:alnum:]]+') FROM claims_outlet
        UNION ALL SELECT regexp_split_to_table(means, '[^[:alnum:]]+') FROM claims_searchalias
    ) AS words(w)
    WHERE length(w) >= 3
)
SELECT typed, CASE WHEN EXISTS (SELECT 1 FROM vocabulary WHERE w = lower(typed)) THEN NULL ELSE (
    SELECT w FROM vocabulary WHERE similarity(w, lower(typed)) >= %s
    ORDER BY similarity(w, lower(typed)) DESC, w LIMIT 1
) END
FROM unnest(%s::text[]) AS typed
"""


def claim_search_suggestion(query: str) -> str:
    """`query` with each misspelt name replaced by the name it most resembles; "" when no word
    resembles a name better than it matches one already."""
    words = [w for w in dict.fromkeys(WORD.findall(query or "")) if len(w) >= 3 and w != "OR"]
    if not words:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [SIMILARITY, words])
        meant = {typed: name for typed, name in cursor.fetchall() if name}
    if not meant:
        return ""
    suggestion = WORD.sub(lambda m: _cased(meant.get(m.group(0)), m.group(0)), query)
    return suggestion if suggestion != query else ""


def _cased(name: str | None, typed: str) -> str:
    if name is None:
        return typed
    return name.capitalize() if typed[:1].isupper() else name
