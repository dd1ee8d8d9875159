from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.claim_list, name="claims-list"),
    path("claims/<int:pk>/", views.claim_detail, name="claims-detail"),
    path("claimants/<slug:slug>/", views.claimant_detail, name="claims-claimant"),
    path("stories/<slug:slug>/", views.story_detail, name="claims-story"),
    path("articles/<int:pk>/", views.article_detail, name="claims-article"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="claims-outlet"),
    path("feeds/claims/", feeds.AllClaimsFeed(), name="claims-feed"),
    path("feeds/changes/", feeds.StatusChangesFeed(), name="claims-feed-changes"),
    path("feeds/stories/<slug:slug>/", feeds.StoryClaimsFeed(), name="claims-feed-story"),
    path("feeds/claimants/<slug:slug>/", feeds.ClaimantClaimsFeed(), name="claims-feed-claimant"),
]
