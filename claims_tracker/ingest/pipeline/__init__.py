"""The steps one article goes through: claim -> fetch -> extract -> find candidates -> store (dedupe) -> done.

- claim.py: the article's ingest state, which editors watch live (fetching, extracting, done, failed with the
  reason). A step claims its article with a conditional UPDATE: 0 rows means gone, merged or done, and the
  redelivered task is a no-op.
- page.py: a fetched page -> the article's fields (text, title, canonical URL, ...).
- find.py: attributions in the text -> Candidate rows, with the claimant matcher cached per worker.
- store.py: the result (fields and candidates) in one transaction; dedupe by the unique constraints on
  Article.canonical_url and Article.content_hash (an IntegrityError means "a twin exists": merge into it) and
  on Candidate's (article, span) (bulk_create with ignore_conflicts).
- steps.py: the steps the tasks and the management commands call, in order.

Each step takes an id, is idempotent and commits its own writes, so a redelivered task redoes the work
without doubling anything. Everything goes through the ORM.
"""

from .claim import article_fail, article_note_retry, article_resolve
from .find import article_find_candidates, reset_matcher_cache
from .steps import article_extract, article_fetch, article_process_page, article_run_inline

__all__ = [
    "article_extract",
    "article_fail",
    "article_fetch",
    "article_find_candidates",
    "article_note_retry",
    "article_process_page",
    "article_resolve",
    "article_run_inline",
    "reset_matcher_cache",
]
