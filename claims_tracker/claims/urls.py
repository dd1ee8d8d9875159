from django.urls import path

from . import feeds, views
from .caching import catalogue_versions, reader_cached

feed = reader_cached(catalogue_versions)

urlpatterns = [
    path("", views.claim_list, name="claims-list"),
    path("claims/<int:pk>/", views.claim_detail, name="claims-detail"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claims-claimant"),
    path("stories/<slug:slug>/", views.story_detail, name="claims-story"),
    path("articles/<int:pk>/", views.article_detail, name="claims-article"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="claims-outlet"),
    path("feeds/claims/", feed(feeds.AllClaimsFeed()), name="claims-feed"),
    path("feeds/changes/", feed(feeds.StatusChangesFeed()), name="claims-feed-changes"),
    path("feeds/stories/<slug:slug>/", feed(feeds.StoryClaimsFeed()), name="claims-feed-story"),
    path("feeds/claimants/<slug:slug>/", feed(feeds.ClaimantClaimsFeed()), name="claims-feed-claimant"),
]
