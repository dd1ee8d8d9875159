from django.contrib import admin
from django.urls import include, path

from claims_tracker.claims.health import healthz
from claims_tracker.ingest.websub_views import websub_callback

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("claims_tracker.accounts.urls")),
    path("api/", include("claims_tracker.api.urls")),
    path("desk/feeds/", include("claims_tracker.ingest.urls")),
    path("websub/<str:token>/", websub_callback, name="websub-callback"),
    path("desk/archive/", include("claims_tracker.archive.urls")),
    path("desk/factchecks/", include("claims_tracker.factchecks.urls")),
    path("desk/team/", include("claims_tracker.teamwork.urls")),
    path("desk/", include("claims_tracker.desk.urls")),
    path("", include("claims_tracker.claims.urls")),
]

handler400 = "claims_tracker.claims.views.bad_request"
handler404 = "claims_tracker.claims.views.page_not_found"
handler500 = "claims_tracker.claims.views.server_error"
