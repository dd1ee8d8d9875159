"""sitemap.xml (django.contrib.sitemaps): every reader page with the time it last changed.

Each section's newest `lastmod` (the sitemap index shows it) is one max() over the table, not a
walk over every item as the default `get_latest_lastmod` does.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from .models import Article, Claim, Claimant, Outlet, Story


class _ModelSitemap(Sitemap):
    model: type = Claim
    limit = 10_000

    def items(self) -> QuerySet:
        return self.model.objects.only("pk", "updated_at", *self.fields).order_by("pk")

    fields: tuple[str, ...] = ()

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(newest=Max("updated_at"))["newest"]


class ClaimSitemap(_ModelSitemap):
    model = Claim
    changefreq = "daily"

    def items(self) -> QuerySet:
        return super().items().filter(merged_into__isnull=True)


class ClaimantSitemap(_ModelSitemap):
    model = Claimant
    fields = ("slug",)


class StorySitemap(_ModelSitemap):
    model = Story
    fields = ("slug",)


class OutletSitemap(_ModelSitemap):
    model = Outlet
    fields = ("slug",)


class ArticleSitemap(_ModelSitemap):
    model = Article


class IndexSitemap(Sitemap):
    """The list and the two indexes."""

    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["claims-list", "claims-claimants", "claims-stories"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": IndexSitemap,
    "claims": ClaimSitemap,
    "claimants": ClaimantSitemap,
    "stories": StorySitemap,
    "outlets": OutletSitemap,
    "articles": ArticleSitemap,
}
