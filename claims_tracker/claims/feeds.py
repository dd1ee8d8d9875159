"""Atom feeds: all claims, state changes, and per story / per claimant.

Item bodies are rendered from templates (claims/feed_*.html) that escape everything and carry
the same state badge as the pages: label and glyph, so the state reads without colour.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Claim, Claimant, StatusChange, Story
from .selectors import claim_list, status_label

FEED_SIZE = 50


class _ClaimFeed(Feed):
    feed_type = Atom1Feed
    description_template = "claims/feed_claim.html"

    def claims(self) -> QuerySet[Claim]:
        return claim_list(annotate=False)

    def items(self, obj=None):
        return self.claims().order_by("-claimed_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Claim) -> str:
        return f"[{status_label(item.status)}] {item.text}"

    def item_author_name(self, item: Claim) -> str:
        return item.claimant.name

    def item_pubdate(self, item: Claim):
        return item.claimed_at

    def item_updateddate(self, item: Claim):
        return max(item.claimed_at, item.status_changed_at)

    def item_guid(self, item: Claim) -> str:
        return f"{settings.SITE_URL}/claims/{item.pk}"

    item_guid_is_permalink = False


class AllClaimsFeed(_ClaimFeed):
    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest claims"

    def link(self) -> str:
        return reverse("claims-list")

    subtitle = "Newly logged claims and their confirmation state."


class ClaimantClaimsFeed(_ClaimFeed):
    def get_object(self, request, slug: str) -> Claimant:
        return get_object_or_404(Claimant, slug=slug)

    def title(self, obj: Claimant) -> str:
        return f"{settings.SITE_NAME}: claims by {obj.name}"

    def link(self, obj: Claimant) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Claimant) -> str:
        return f"Claims made by {obj.name} and how each stands."

    def items(self, obj: Claimant):
        return self.claims().filter(claimant=obj).order_by("-claimed_at", "-id")[:FEED_SIZE]


class StoryClaimsFeed(_ClaimFeed):
    def get_object(self, request, slug: str) -> Story:
        return get_object_or_404(Story, slug=slug)

    def title(self, obj: Story) -> str:
        return f"{settings.SITE_NAME}: {obj.title}"

    def link(self, obj: Story) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Story) -> str:
        return f"Claims about {obj.title} and how each stands."

    def items(self, obj: Story):
        in_story = Claim.stories.through.objects.filter(claim_id=OuterRef("pk"), story=obj)
        return self.claims().filter(Exists(in_story)).order_by("-claimed_at", "-id")[:FEED_SIZE]


class StatusChangesFeed(Feed):
    feed_type = Atom1Feed
    description_template = "claims/feed_change.html"
    subtitle = "Every change of a claim's confirmation state, with the reason given."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: changes of state"

    def link(self) -> str:
        return reverse("claims-list") + "?sort=changed"

    def items(self):
        # Newest recorded first (the statuschange_feed index), the claim and its claimant joined.
        return (
            StatusChange.objects.select_related("claim", "claim__claimant", "changed_by")
            .defer("claim__search_vector", "claim__search_document")
            .exclude(from_status="")
            .order_by("-recorded_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: StatusChange) -> str:
        return f"{status_label(item.from_status)} → {status_label(item.to_status)}: {item.claim.text}"

    def item_link(self, item: StatusChange) -> str:
        return item.claim.get_absolute_url() + f"#change-{item.pk}"

    def item_author_name(self, item: StatusChange) -> str:
        if not item.changed_by_id:
            return settings.SITE_NAME
        return item.changed_by.get_full_name() or item.changed_by.username

    def item_pubdate(self, item: StatusChange):
        return item.changed_at

    def item_updateddate(self, item: StatusChange):
        return item.recorded_at

    def item_guid(self, item: StatusChange) -> str:
        return f"{settings.SITE_URL}/status-changes/{item.pk}"

    item_guid_is_permalink = False
