"""/api/: the versioned API under v1/, its OpenAPI schema and docs (served from our static files)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from .errors import not_found
from .views import candidates, catalog, claimreview, claims, webhooks, writes

v1 = [
    path("claims/", claims.ClaimListApi.as_view(), name="api-claims-list"),
    path("claims/sync/", claims.ClaimSyncApi.as_view(), name="api-claims-sync"),
    path("claims/create/", writes.ClaimCreateApi.as_view(), name="api-claims-create"),
    path("claims/<int:pk>/", claims.ClaimDetailApi.as_view(), name="api-claims-detail"),
    path("claims/<int:pk>/claimreview", claimreview.ClaimClaimReviewApi.as_view(), name="api-claims-claimreview"),
    path("claims/<int:pk>/appearances/", writes.ClaimAppearanceAddApi.as_view(), name="api-claims-appearance-add"),
    path("claims/<int:pk>/evidence/", writes.ClaimEvidenceAddApi.as_view(), name="api-claims-evidence-add"),
    path("claims/<int:pk>/status/", writes.ClaimStatusChangeApi.as_view(), name="api-claims-status-change"),
    path("claims/<int:pk>/relations/", writes.ClaimRelationAddApi.as_view(), name="api-claims-relation-add"),
    path("claimreview.jsonld", claimreview.ClaimReviewFeedApi.as_view(), name="api-claimreview-feed"),
    path("status-changes/", claims.StatusChangeListApi.as_view(), name="api-status-changes-list"),
    path("claimants/", catalog.ClaimantListApi.as_view(), name="api-claimants-list"),
    path("claimants/<slug:key>/", catalog.ClaimantDetailApi.as_view(), name="api-claimants-detail"),
    path("stories/", catalog.StoryListApi.as_view(), name="api-stories-list"),
    path("stories/<slug:key>/", catalog.StoryDetailApi.as_view(), name="api-stories-detail"),
    path("articles/", catalog.ArticleListApi.as_view(), name="api-articles-list"),
    path("articles/<int:key>/", catalog.ArticleDetailApi.as_view(), name="api-articles-detail"),
    path("outlets/", catalog.OutletListApi.as_view(), name="api-outlets-list"),
    path("outlets/<slug:key>/", catalog.OutletDetailApi.as_view(), name="api-outlets-detail"),
    path("webhooks/", webhooks.SubscriptionListApi.as_view(), name="api-webhooks-list"),
    path("webhooks/create/", webhooks.SubscriptionCreateApi.as_view(), name="api-webhooks-create"),
    path("webhooks/<int:pk>/", webhooks.SubscriptionDetailApi.as_view(), name="api-webhooks-detail"),
    path("webhooks/<int:pk>/delete/", webhooks.SubscriptionDeleteApi.as_view(), name="api-webhooks-delete"),
    path("candidates/", candidates.CandidateListApi.as_view(), name="api-candidates-list"),
    path("candidates/<int:pk>/accept", candidates.CandidateAcceptApi.as_view(), name="api-candidates-accept"),
    path("candidates/<int:pk>/attach", candidates.CandidateAttachApi.as_view(), name="api-candidates-attach"),
    path("candidates/<int:pk>/reject", candidates.CandidateRejectApi.as_view(), name="api-candidates-reject"),
    path(
        "candidate-groups/<int:pk>/accept",
        candidates.CandidateGroupAcceptApi.as_view(),
        name="api-candidate-groups-accept",
    ),
    path(
        "candidate-groups/<int:pk>/attach",
        candidates.CandidateGroupAttachApi.as_view(),
        name="api-candidate-groups-attach",
    ),
    path("auth/token/", writes.AuthTokenCreateApi.as_view(), name="api-auth-token"),
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: the CSP forbids inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Anything else under /api/ is a JSON 404, never the site's HTML page.
    re_path(r"^[\s\S]*$", not_found, name="api-not-found"),
]
