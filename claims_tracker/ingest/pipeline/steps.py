"""The steps as the tasks and the management commands call them: fetch, then process the page; or a saved page.

The fetched page is handed to extraction in memory. What an article costs in the database (bench/bench_ingest.py
times it): the claim (an UPDATE, then the URL read), the extracting marker (an UPDATE), the articles sharing a
MinHash band (a SELECT on the bands' GIN index: is this a copy of a report we have?), and the result (UPDATE and
INSERT of the candidates in one transaction): eight round trips and three commits, each made durable before the
next step, as every ORM write is. Archiving the fetched page (tasks.py, claims_tracker/archive) adds six in
one transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.lib.text import content_hash

from .. import fetching
from ..models import FetchedPage
from . import claim, copies, find, page, store

ARTICLE_MAX_BYTES = 10 * 1024 * 1024
ARTICLE_DEADLINE = 30.0
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def article_fetch(article_id: int, *, holder: str = "") -> fetching.FetchResult | None:
    """Claim the article (fetching) and fetch its page; None when it is not free. Raises FetchError."""
    if not claim.article_claim(article_id, holder=holder):
        return None
    url = Article.objects.filter(pk=article_id).values_list("url", flat=True).first()
    if not url:
        claim.article_fail(article_id, "The article has no URL to fetch.")
        return None
    return fetching.safe_fetch(
        url, max_bytes=ARTICLE_MAX_BYTES, deadline=ARTICLE_DEADLINE, allowed_content_types=ARTICLE_TYPES
    )


def article_process_page(
    article_id: int, *, body: bytes, content_type: str, encoding: str | None, url: str
) -> int | None:
    """Extract, find candidates, store and dedupe. Returns the id kept (None if merged or failed)."""
    claim.article_mark_extracting(article_id)
    try:
        fields = page.page_fields(body=body, content_type=content_type, encoding=encoding, url=url)
    except ValueError as exc:
        claim.article_fail(article_id, f"Could not read the page: {exc}")
        return None
    if not page.has_report_text(fields):
        claim.article_fail(article_id, "No article text was found on the page.")
        return None
    fields["content_hash"] = content_hash(fields["text"])
    fields["fetched_at"] = timezone.now()
    fields.update(copies.copy_fields(fields["text"]))
    original = copies.article_original(fields, exclude=article_id)
    if original is not None and not original.url:
        # The report was pasted first: this fetch is that report, which now gets its address.
        return store.article_merge(article_id, original, fields)
    if original is not None:
        # Another address of one report (wire copy, light edit): linked, and triaged once, on the first.
        fields.update(copy_of_id=original.pk, ingest_state=IngestState.DONE, last_error="")
        return store.article_store(article_id, fields, [])
    candidates, error = find.candidates_find(article_id, fields["text"])
    from claims_tracker.factchecks import services as factchecks  # factchecks imports this app

    reviews = factchecks.page_reviews(body=body, url=url)  # a fact-check page's ClaimReviews; [] for most pages
    candidates = factchecks.without_junk(candidates, reviews)
    # A broken finder still keeps the text: the article is stored, failed with the reason.
    fields.update(
        ingest_state=IngestState.FAILED if error else IngestState.DONE, last_error=error[: claim.ERROR_MAX_CHARS]
    )
    kept = store.article_store(article_id, fields, candidates)
    if kept is not None and reviews:
        factchecks.factchecks_store(reviews, article_id=kept)  # "fact-check found", beside the candidates
    return kept


def article_extract(article_id: int) -> int | None:
    """Process a page stored with the article (a saved .html file). Returns the article's id, or None."""
    saved = FetchedPage.objects.filter(article_id=article_id).first()
    if saved is None:
        claim.article_fail(article_id, "The page to read is missing; add the report again.")
        return None
    result = article_process_page(
        article_id,
        body=bytes(saved.body),
        content_type=saved.content_type,
        encoding=saved.encoding,
        url=saved.final_url,
    )
    FetchedPage.objects.filter(article_id=article_id).delete()
    return result


def article_run_inline(article_id: int, *, progress: Callable[[str], None] | None = None) -> Article | None:
    """Run the remaining steps in this process (management commands): no queue, no retries."""
    say = progress or (lambda _step: None)
    article = Article.objects.filter(pk=article_id).only("url", "ingest_state").first()
    if article is None or article.ingest_state == IngestState.DONE:
        return claim.article_resolve(article_id)
    if article.ingest_state == IngestState.FAILED:
        # Running the command again is how an operator retries a failed article, as resubmitting is on the desk.
        Article.objects.filter(pk=article_id, ingest_state=IngestState.FAILED).update(ingest_state=IngestState.QUEUED)
    if FetchedPage.objects.filter(article_id=article_id).exists():
        say("extracting")
        article_extract(article_id)
    elif article.url:
        say("fetching")
        try:
            fetched = article_fetch(article_id)
        except fetching.FetchError as exc:
            claim.article_fail(article_id, exc.message)
            return claim.article_resolve(article_id)
        if fetched is not None:
            from claims_tracker.archive.services import article_archive  # archive imports the pipeline's app

            article_archive(article_id=article_id, result=fetched)
            say("extracting and finding attributions")
            article_process_page(
                article_id,
                body=fetched.body,
                content_type=fetched.content_type,
                encoding=fetched.encoding,
                url=fetched.url,
            )
    else:
        say("finding attributions")
        find.article_find_candidates(article_id)
    return claim.article_resolve(article_id)
