"""Writes of the ingestion flow that start it: an editor's URL or text, a feed entry's link; and progress.

Everything enqueues after commit (a rolled-back request enqueues nothing). The steps an article then goes
through (fetch, extract, dedupe, candidates) are in the pipeline package and re-exported here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState, Outlet
from claims_tracker.claims.services import ServiceError
from claims_tracker.lib.text import content_hash

from . import fetching
from .models import Candidate, FetchedPage

# The pipeline steps live in the pipeline package; re-exported so callers have one module of ingestion writes.
from .pipeline import (  # noqa: F401
    article_extract,
    article_fail,
    article_fetch,
    article_find_candidates,
    article_note_retry,
    article_process_page,
    article_resolve,
    article_run_inline,
    reset_matcher_cache,
)

log = logging.getLogger(__name__)

TEXT_MAX_CHARS = 2_000_000


class IngestError(ServiceError):
    """Bad input to ingestion, with the form field at fault (`url`, `text`)."""

    code = "ingest_invalid"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)


def _enqueue(task_name: str, article_id: int) -> None:
    # Imported here: tasks import this module.
    from . import tasks

    tasks.enqueue_after_commit(getattr(tasks, task_name), article_id)


# Entry points ------------------------------------------------------------------------------------------------


def article_for_url(
    *,
    url: str,
    requested_by=None,
    feed=None,
    title: str = "",
    published_at: datetime | None = None,
    enqueue: bool = True,
) -> tuple[Article, bool]:
    """The article for this address, created queued if new. The canonical-URL constraint decides races."""
    canonical = fetching.normalize_url(url)
    existing = _article_by_canonical(canonical)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url,
                canonical_url=canonical,
                title=title[:500],
                published_at=published_at,
                outlet=feed.outlet if feed is not None else None,
                source_feed=feed,
                requested_by=requested_by,
                ingest_state=IngestState.QUEUED,
            )
    except IntegrityError:
        # Someone else inserted the same canonical URL between our read and our insert.
        existing = _article_by_canonical(canonical)
        if existing is None:
            raise
        return existing, False
    if enqueue:
        _enqueue("fetch_article", article.pk)
    return article, True


def _article_by_canonical(canonical: str) -> Article | None:
    return Article.objects.filter(canonical_url=canonical).first()


def validate_url_for_ingest(url: str) -> str:
    try:
        return fetching.validate_url(url)
    except fetching.FetchError as exc:
        raise IngestError(exc.message, "url") from None


def article_submit_url(*, url: str, requested_by=None) -> Article:
    """An editor's pasted URL: validated, then queued (or the existing article returned, re-queued if failed)."""
    url = validate_url_for_ingest(url)
    with transaction.atomic():
        article, created = article_for_url(url=url, requested_by=requested_by)
        if not created and article.ingest_state == IngestState.FAILED:
            # Asking again is how an editor retries a failed fetch.
            Article.objects.filter(pk=article.pk).update(ingest_state=IngestState.QUEUED, last_error="")
            article.ingest_state, article.last_error = IngestState.QUEUED, ""
            _enqueue("fetch_article", article.pk)
        if not created and requested_by is not None and article.requested_by_id is None:
            Article.objects.filter(pk=article.pk).update(requested_by=requested_by)
    return article


def article_submit_text(
    *,
    text: str,
    title: str = "",
    outlet: Outlet | None = None,
    published_at: datetime | None = None,
    requested_by=None,
    enqueue: bool = True,
) -> Article:
    """Pasted text, stored unchanged (candidate offsets point into it); the same text twice is one article."""
    if not isinstance(text, str) or not text.strip():
        raise IngestError("Paste the text of the report.", "text")
    if len(text) > TEXT_MAX_CHARS:
        raise IngestError(f"The text is longer than {TEXT_MAX_CHARS:,} characters.", "text")
    digest = content_hash(text)
    title = (title or "").strip() or _title_from_text(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            article = Article.objects.create(
                text=text,
                title=title[:500],
                outlet=outlet,
                published_at=published_at,
                content_hash=digest,
                requested_by=requested_by,
                ingest_state=IngestState.EXTRACTING,
            )
            if enqueue:
                _enqueue("find_candidates", article.pk)
    except IntegrityError:
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return existing
    return article


def _title_from_text(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:200] + ("…" if len(first) > 200 else "")


def article_progress(article: Article) -> dict:
    """State for a live progress view: polled by the page that submitted the article."""
    current = article_resolve(article.pk)
    if current is None:
        return {"id": article.pk, "state": "failed", "label": "Removed", "error": "The article was deleted."}
    state = current.ingest_state
    return {
        "id": current.pk,
        "state": state,
        "label": IngestState(state).label if state in IngestState.values else state,
        "error": current.last_error if state == IngestState.FAILED else "",
        "candidates": Candidate.objects.filter(article_id=current.pk).count(),
        "finished": state in (IngestState.DONE, IngestState.FAILED),
        "merged": current.pk != article.pk,
        "title": current.title,
        "url": current.get_absolute_url(),
    }


def article_from_html(*, html: bytes, url: str = "", requested_by=None) -> Article:
    """A saved page (ingest_file): stored with the article so the extract step reads it. Not enqueued.

    `url`, where it came from, is checked as every other entry's address is: http(s) with a host, or nothing.
    """
    url = validate_url_for_ingest(url) if url else ""
    with transaction.atomic():
        article = Article.objects.create(
            url=url, requested_by=requested_by, ingest_state=IngestState.EXTRACTING, fetched_at=timezone.now()
        )
        FetchedPage.objects.create(article=article, final_url=url, content_type="text/html", body=html)
    return article
