"""The 500 page still answers when its own template cannot render."""

from django.test import RequestFactory, override_settings

from claims_tracker.claims.views.errors import server_error


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    },
    STATIC_ROOT="/nonexistent-static-root",
)
def test_it_falls_back_to_a_plain_page_when_the_static_manifest_is_missing():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
