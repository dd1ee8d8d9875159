from __future__ import annotations

import pytest

from claims_tracker.webhooks.models import Subscription
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True


class TestWebhookApi:
    def test_it_registers_a_subscription_and_shows_the_secret_once(self, editor_api):
        response = editor_api.post(
            "/api/v1/webhooks/create/", {"url": "http://127.0.0.1:9/h", "events": ["status.changed"]}, format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert len(body["secret"]) >= 32 and body["events"] == ["status.changed"]
        detail = editor_api.get(f"/api/v1/webhooks/{body['id']}/").json()
        assert "secret" not in detail and detail["recent_deliveries"] == []

    def test_it_rejects_bad_input(self, editor_api, settings):
        bad = editor_api.post("/api/v1/webhooks/create/", {"url": "nope", "events": []}, format="json")
        assert bad.status_code == 400 and {"url", "events"} <= set(bad.json()["error"]["fields"])
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        private = editor_api.post(
            "/api/v1/webhooks/create/", {"url": "http://10.0.0.1/h", "events": ["claim.created"]}, format="json"
        )
        assert private.status_code == 400 and "url" in private.json()["error"]["fields"]

    def test_it_scopes_lists_and_objects_to_their_owner(self, editor_api):
        other = UserFactory(username="other-editor", groups=["editor"])
        theirs = Subscription.objects.create(
            owner=other, url="https://example.org/h", secret="x" * 20, events=["claim.created"]
        )
        mine = editor_api.post(
            "/api/v1/webhooks/create/", {"url": "https://example.org/mine", "events": ["claim.created"]}, format="json"
        ).json()
        assert [s["id"] for s in editor_api.get("/api/v1/webhooks/").json()["results"]] == [mine["id"]]
        assert editor_api.get(f"/api/v1/webhooks/{theirs.pk}/").status_code == 404
        assert editor_api.post(f"/api/v1/webhooks/{theirs.pk}/delete/").status_code == 404
        assert Subscription.objects.filter(pk=theirs.pk).exists()
        assert token_client(other).post(f"/api/v1/webhooks/{theirs.pk}/delete/").status_code == 204
        assert not Subscription.objects.filter(pk=theirs.pk).exists()

    def test_it_is_for_editors_only(self, api, reader_api):
        assert api.get("/api/v1/webhooks/").status_code == 401
        assert reader_api.get("/api/v1/webhooks/").status_code == 403
        assert reader_api.post("/api/v1/webhooks/create/", {}, format="json").status_code == 403
