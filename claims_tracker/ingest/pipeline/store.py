"""An article's result: its fields and its candidates written together; a twin found by the unique constraints
is merged."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from claims_tracker.claims.models import Article, IngestState

from ..models import ArticleRedirect, Candidate, FeedEntry
from . import claim

log = logging.getLogger(__name__)

# Filled from the page only when the article has none: a feed's own date wins (the page's is often the last update).
KEEP_EXISTING = ("published_at",)
_ATTEMPTS = 3  # a twin found, then deleted (merged elsewhere) before we merge: look again, a few times


def article_store(article_id: int, fields: dict[str, Any], candidates: list[Candidate]) -> int | None:
    """Write the article's fields and its candidates in one transaction. The id kept; None if merged or failed.

    A field missing from `fields` (or None) leaves the column as it is. The UPDATE skips a done article, and
    the candidates are inserted only if it updated, so a redelivery that gets here after another delivery
    finished writes nothing. A span already stored is skipped by the (article, span) constraint
    (bulk_create(ignore_conflicts=True): one INSERT ... ON CONFLICT DO NOTHING). A violation of the article's
    unique constraints (canonical URL, content hash) means the same report is stored as another article:
    this one is merged into it. Inside a caller's transaction (tests, commands) the atomic block is a
    savepoint, so a twin's IntegrityError leaves the caller's transaction usable.
    """
    updates = {name: value for name, value in fields.items() if value is not None}
    for name in KEEP_EXISTING:
        if name in updates:
            updates[name] = Coalesce(F(name), Value(updates[name], output_field=Article._meta.get_field(name)))
    for _attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                if Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(**updates):
                    Candidate.objects.bulk_create(candidates, ignore_conflicts=True)
            return article_id
        except IntegrityError:
            twin = _find_duplicate(article_id, fields.get("canonical_url"), fields.get("content_hash"))
            if twin is not None:
                return _merge_into(article_id, twin, fields)
    claim.article_fail(article_id, "Could not store the article: it keeps colliding with another one.")
    return None


def _find_duplicate(article_id: int, canonical: str | None, digest: str | None) -> Article | None:
    condition = Q()
    if digest:
        condition |= Q(content_hash=digest)
    if canonical:
        condition |= Q(canonical_url=canonical)
    if not condition:
        return None
    return Article.objects.filter(condition).exclude(pk=article_id).order_by("pk").first()


# Filled on the kept article from the one merged into it, where the kept one has none (pasted, then fetched).
FILL_BLANKS = (
    *("url", "canonical_url", "outlet_id", "byline", "published_at", "language", "fetched_at"),
    *("requested_by_id", "source_feed_id"),
)


def article_merge(article_id: int, keep: Article, fields: dict[str, Any]) -> None:
    """Merge the article into `keep`, the same report, which takes what it lacks from it and from `fields`."""
    return _merge_into(article_id, keep, fields)


@transaction.atomic
def _merge_into(article_id: int, keep: Article, fields: dict[str, Any] | None = None) -> None:
    """The same report arrived twice: its feed entries and copies move to the kept article; this one goes."""
    gone = Article.objects.select_for_update().filter(pk=article_id).first()
    if gone is None:
        return None
    kept = Article.objects.select_for_update().filter(pk=keep.pk).first()
    if kept is None:
        return None
    FeedEntry.objects.filter(article_id=article_id).update(article=kept)
    Article.objects.filter(copy_of_id=article_id).update(copy_of=kept)
    fields = fields or {}
    updates = {}
    for name in FILL_BLANKS:
        value = getattr(gone, name) or fields.get(name)
        if value and not getattr(kept, name):
            updates[name] = value
    ArticleRedirect.objects.filter(article_id=article_id).update(article=kept)
    ArticleRedirect.objects.get_or_create(from_article_id=article_id, defaults={"article": kept})
    gone.delete()  # first: the kept article may take its canonical URL, which is unique
    if updates:
        Article.objects.filter(pk=kept.pk).update(**updates)
    log.info("article %s merged into duplicate %s", article_id, kept.pk)
    return None  # the kept article runs (or ran) its own pipeline
