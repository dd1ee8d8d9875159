"""Reads for the feed pages, with their joins and counts baked in."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Feed, FeedEntry, FeedStatus


def feed_list() -> QuerySet[Feed]:
    return Feed.objects.select_related("outlet").annotate(entry_count=Count("entries")).order_by("title", "url")


def feed_get(*, pk: int) -> Feed:
    return Feed.objects.select_related("outlet", "added_by", "websub").annotate(entry_count=Count("entries")).get(pk=pk)


def feed_recent_entries(*, feed: Feed, limit: int = 50) -> QuerySet[FeedEntry]:
    return (
        FeedEntry.objects.filter(feed=feed)
        .select_related("article")
        .annotate(candidate_count=Count("article__candidates"))
        .order_by("-seen_at", "-id")[:limit]
    )


def feed_health(feed: Feed) -> tuple[str, str]:
    """(css modifier, label) of a feed's health, for the list and the detail page."""
    if not feed.active:
        return "paused", "Paused"
    if feed.last_status == FeedStatus.BROKEN:
        return "failed", "Broken feed"
    if feed.consecutive_failures:
        n = feed.consecutive_failures
        return "failed", f"Failing ({n} poll{'s' if n != 1 else ''} in a row)"
    if not feed.last_status:
        return "new", "Not polled yet"
    return "done", "Healthy"
