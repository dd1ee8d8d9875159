"""Reusable reads, with their joins baked in so that pages and the API stay at a fixed query count.

- lists.py: claims for lists (claimant joined), each page's outlet count and dispute flag, the
  reader list's filters, status labels.
- search.py: full-text search, "Best match" tiers, sparse searches (from PostgreSQL's statistics)
  and pinning them to their matches, highlighted headlines.
- detail.py: one claim with everything (desk, API), its status as of a date, its share card, claims
  for ClaimReview JSON-LD.
- claim_page.py: the reader's claim page in one or a few round trips.
- claim_sql.py: claim rows read by written-out SQL (the claim page, the list's rows and facts).
- pages.py: the claimant, story, article and outlet pages.
- suggest.py: "did you mean" for a misspelt search (pg_trgm over names).
- indexes.py: the claimant index (A-Z, with track records) and the story index.

Every public name is re-exported here, so callers write `selectors.claim_get(...)`. A module
constant read inside its own module (search.SEARCH_PIN_LIMIT) is changed there, not here.
"""

from .claim_page import ClaimPage, claim_page_get
from .detail import claim_card_get, claim_get, claim_list_for_jsonld, claim_status_as_of
from .indexes import claimant_index, claimant_index_letters, story_index
from .lists import (
    DISPUTING_STANCES,
    ClaimFilters,
    RowFacts,
    claim_attach_row_facts,
    claim_filter,
    claim_list,
    claim_row_facts,
    claim_rows,
    claim_rows_picked,
    status_label,
)
from .pages import (
    article_get,
    claimant_get,
    claimant_open_claims,
    claimant_track_record,
    outlet_articles,
    outlet_claims,
    story_claims,
    story_contradictions,
    story_status_changes,
)
from .search import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    SEARCH_PIN_LIMIT,
    claim_search,
    claim_search_headlines,
    claim_search_is_sparse,
    claim_search_pinned,
    claim_search_tiers,
    claim_word_statistics,
    search_statistics_reset,
)
from .suggest import claim_search_suggestion

__all__ = [
    "ClaimPage",
    "claim_page_get",
    "claim_card_get",
    "claim_search_suggestion",
    "claimant_index",
    "claimant_index_letters",
    "story_index",
    "DISPUTING_STANCES",
    "HIGHLIGHT_START",
    "HIGHLIGHT_STOP",
    "SEARCH_PIN_LIMIT",
    "ClaimFilters",
    "RowFacts",
    "article_get",
    "claim_attach_row_facts",
    "claim_filter",
    "claim_get",
    "claim_list",
    "claim_list_for_jsonld",
    "claim_row_facts",
    "claim_rows",
    "claim_rows_picked",
    "claim_search",
    "claim_search_headlines",
    "claim_search_is_sparse",
    "claim_search_pinned",
    "claim_search_tiers",
    "claim_word_statistics",
    "claim_status_as_of",
    "claimant_get",
    "claimant_open_claims",
    "claimant_track_record",
    "outlet_articles",
    "outlet_claims",
    "search_statistics_reset",
    "status_label",
    "story_claims",
    "story_contradictions",
    "story_status_changes",
]
