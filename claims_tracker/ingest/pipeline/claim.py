"""An article's ingest state: claiming it for a step, the progress markers editors watch, failure with a reason.

Every write here is one conditional UPDATE that commits on its own (autocommit in a worker), so an editor's
page sees the new state at once, and a state an article has already left is never written back: a step
claims its article only while it is not done, the extracting marker only follows fetching, and a failure or a
retry note never touches a done article.
"""

from __future__ import annotations

import logging

from claims_tracker.claims.models import Article, IngestState

from ..models import ArticleRedirect

log = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000  # what an editor reads of a failure; Article.last_error is a TextField


def article_resolve(article_id: int) -> Article | None:
    """The article with this id, following a merge into its duplicate."""
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        return article
    redirect = ArticleRedirect.objects.filter(from_article_id=article_id).select_related("article").first()
    return redirect.article if redirect else None


def article_claim(article_id: int) -> str | None:
    """Mark the article fetching unless it is done; its URL ('' if it has none), or None when gone or done.

    The UPDATE is the claim (0 rows: a redelivery of a finished article, or one merged away), and it clears
    the error of an earlier attempt. The URL is read after it: it never changes once the article exists.
    """
    claimed = (
        Article.objects.filter(pk=article_id)
        .exclude(ingest_state=IngestState.DONE)
        .update(ingest_state=IngestState.FETCHING, last_error="")
    )
    if not claimed:
        return None
    return Article.objects.filter(pk=article_id).values_list("url", flat=True).first()


def article_mark_extracting(article_id: int) -> None:
    """Progress marker: fetched, now extracting. Only an article being fetched moves on."""
    Article.objects.filter(pk=article_id, ingest_state=IngestState.FETCHING).update(ingest_state=IngestState.EXTRACTING)


def article_fail(article_id: int, message: str) -> None:
    log.info("article %s failed: %s", article_id, message)
    Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(
        ingest_state=IngestState.FAILED, last_error=message[:ERROR_MAX_CHARS]
    )


def article_note_retry(article_id: int, message: str, attempt: int, delay: float) -> None:
    note = f"{message} Retrying in {delay:.0f} s (attempt {attempt + 1})."
    Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(last_error=note)
