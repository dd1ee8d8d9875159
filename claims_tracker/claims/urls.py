from django.contrib.sitemaps import views as sitemap_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path

from . import feeds, views
from .caching import catalogue_versions, reader_cached
from .sitemaps import SITEMAPS

# Feeds and sitemaps show the whole catalogue: validated by its newest write.
feed = reader_cached(catalogue_versions)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="claims-favicon"),
    path("", views.claim_list, name="claims-list"),
    path("claims/<int:pk>/", views.claim_detail, name="claims-detail"),
    path("claims/<int:pk>/card.svg", views.claim_card, name="claims-card"),
    path("claimants/", views.claimant_index, name="claims-claimants"),
    path("stories/", views.story_index, name="claims-stories"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claims-claimant"),
    path("stories/<slug:slug>/", views.story_detail, name="claims-story"),
    path("articles/<int:pk>/", views.article_detail, name="claims-article"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="claims-outlet"),
    path("feeds/claims/", feed(feeds.AllClaimsFeed()), name="claims-feed"),
    path("feeds/changes/", feed(feeds.StatusChangesFeed()), name="claims-feed-changes"),
    path("feeds/stories/<slug:slug>/", feed(feeds.StoryClaimsFeed()), name="claims-feed-story"),
    path("feeds/claimants/<slug:slug>/", feed(feeds.ClaimantClaimsFeed()), name="claims-feed-claimant"),
    path(
        "sitemap.xml",
        feed(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "claims-sitemap-section"},
        name="claims-sitemap",
    ),
    path("sitemap-<section>.xml", feed(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="claims-sitemap-section"),
]
