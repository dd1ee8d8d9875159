"""A feed's entries, recorded once each whether a poll or a WebSub push delivered them: the (feed, guid)
constraint makes a repeated delivery a no-op, and each new entry's article is queued once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from . import fetching
from .feeds import ParsedFeed
from .models import Feed, FeedEntry, FeedStatus
from .services import article_for_url


@dataclass
class PollResult:
    feed_id: int
    status: str
    new_entries: int = 0
    new_articles: int = 0
    error: str = ""
    notes: list[str] = field(default_factory=list)


def entries_record(feed: Feed, parsed: ParsedFeed, outcome: PollResult | None = None) -> PollResult:
    """Record a feed's entries not seen before and queue their articles (after commit); a poll's and a push's."""
    outcome = outcome or PollResult(feed.pk, FeedStatus.OK)
    refused: list[str] = []
    for entry in parsed.entries:
        feed_entry, created = _entry_get_or_create(feed, entry.guid, entry.link)
        if not created and feed_entry.article_id:
            continue  # seen before: a repeated delivery is a no-op
        outcome.new_entries += int(created)
        if not entry.link:
            continue
        try:
            url = fetching.validate_url(entry.link)
        except fetching.FetchError as exc:
            refused.append(exc.message)
            continue
        article, article_created = article_for_url(url=url, feed=feed, title=entry.title, published_at=entry.published)
        outcome.new_articles += int(article_created)
        FeedEntry.objects.filter(pk=feed_entry.pk).update(article=article)
    if refused:
        outcome.notes.append(f"{len(refused)} entr{'y' if len(refused) == 1 else 'ies'} refused: {refused[0]}")
    return outcome


def _entry_get_or_create(feed: Feed, guid: str, link: str) -> tuple[FeedEntry, bool]:
    # The (feed, guid) constraint decides: a concurrent poll of the same feed inserts nothing twice.
    try:
        with transaction.atomic():
            return FeedEntry.objects.create(feed=feed, guid=guid[:1000], link=link[:2000]), True
    except IntegrityError:
        return FeedEntry.objects.get(feed=feed, guid=guid[:1000]), False
