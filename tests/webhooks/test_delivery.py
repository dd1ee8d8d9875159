"""Deliveries in-process (eager tasks) against a real receiver on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from claims_tracker.claims import services as claim_services
from claims_tracker.claims.models import Status
from claims_tracker.webhooks import services, tasks
from claims_tracker.webhooks.models import Delivery, DeliveryState, Subscription
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
SECRET = "a-shared-secret-of-enough-length"


def _subscribe(owner, url, events=("claim.created", "status.changed")) -> Subscription:
    return services.subscription_create(owner=owner, url=url, events=list(events), secret=SECRET)


class TestDelivery:
    def test_it_posts_a_signed_event_when_a_claim_changes_state(
        self, editor, receiver, django_capture_on_commit_callbacks
    ):
        _subscribe(editor, receiver.url, events=["status.changed"])
        claim = ClaimFactory()
        with django_capture_on_commit_callbacks(execute=True):
            change = claim_services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="No.")
        [hit] = receiver.received
        assert hit.headers["X-Claims-Event"] == "status.changed"
        assert services.verify(SECRET, hit.headers["X-Claims-Signature"], hit.body)
        assert hit.headers["X-Claims-Timestamp"] == hit.headers["X-Claims-Signature"].split(",")[0][2:]
        payload = json.loads(hit.body)
        assert payload["event"] == "status.changed"
        assert payload["data"]["status_change"]["id"] == change.pk
        assert payload["data"]["claim"]["status"] == "disputed"
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.SUCCEEDED and str(delivery.event_id) == payload["id"]
        assert hit.headers["X-Claims-Delivery"] == payload["id"]
        assert [(a.number, a.status, a.ok) for a in delivery.attempt_log.all()] == [(1, 200, True)]

    def test_its_claim_and_status_change_are_the_apis_own(
        self, editor, receiver, settings, django_capture_on_commit_callbacks
    ):
        settings.SITE_URL = "http://testserver"  # the API below answers under the same base
        settings.API_SYNC_SETTLE_SECONDS = settings.API_SYNC_HORIZON_CACHE_SECONDS = 0  # the change is listed at once
        _subscribe(editor, receiver.url, events=["status.changed"])
        claim = ClaimFactory()
        with django_capture_on_commit_callbacks(execute=True):
            claim_services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="No.")
        data = json.loads(receiver.received[0].body)["data"]
        api = APIClient()
        [row] = api.get("/api/v1/claims/").json()["results"]
        changes = api.get("/api/v1/status-changes/", {"claim": claim.pk}).json()["results"]
        assert data["claim"] == row and data["claim"]["url"] == f"http://testserver/api/v1/claims/{claim.pk}/"
        assert data["status_change"] == changes[-1] and data["status_change"]["to_status_label"] == "Disputed"

    def test_it_sends_claim_created_only_to_subscribers_of_it(
        self, editor, receiver, django_capture_on_commit_callbacks
    ):
        _subscribe(editor, receiver.url, events=["status.changed"])
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        assert receiver.received == []
        _subscribe(editor, receiver.url, events=["claim.created"])
        with django_capture_on_commit_callbacks(execute=True):
            claim = ClaimFactory()
        [hit] = receiver.received
        assert json.loads(hit.body)["data"]["claim"]["id"] == claim.pk

    def test_it_retries_failures_records_every_attempt_and_recovers(
        self, editor, receiver, django_capture_on_commit_callbacks
    ):
        sub = _subscribe(editor, receiver.url)
        receiver.statuses = [500, 503]
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
        assert tasks.deliver_due_webhooks() == 1  # the sweep re-enqueues it (eager: runs now)
        assert tasks.deliver_due_webhooks() == 1
        assert tasks.deliver_due_webhooks() == 0
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.SUCCEEDED
        assert [(a.number, a.status, a.ok) for a in delivery.attempt_log.all()] == [
            (1, 500, False),
            (2, 503, False),
            (3, 200, True),
        ]
        # Every attempt carried the same event id, so the receiver can drop duplicates.
        assert len({r.headers["X-Claims-Delivery"] for r in receiver.received}) == 1
        sub.refresh_from_db()
        assert sub.consecutive_failures == 0 and sub.active

    def test_it_backs_off_exponentially(self, settings):
        settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
        settings.WEBHOOKS_RETRY_MAX_SECONDS = 60
        delays = [services.retry_delay(n) for n in (1, 2, 3, 10)]
        assert 8 <= delays[0] <= 10 and 16 <= delays[1] <= 20 and 32 <= delays[2] <= 40 and 48 <= delays[3] <= 60

    def test_it_gives_up_and_disables_a_subscription_after_repeated_failure(
        self, editor, receiver, settings, django_capture_on_commit_callbacks
    ):
        settings.WEBHOOKS_DISABLE_AFTER = 3
        sub = _subscribe(editor, receiver.url)
        receiver.statuses = [500] * 10
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        while tasks.deliver_due_webhooks():
            pass
        sub.refresh_from_db()
        assert not sub.active and sub.disabled_at and "3 failed attempts" in sub.disabled_reason
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.FAILED and delivery.attempts == 3
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        assert Delivery.objects.count() == 1  # a disabled subscription gets nothing new

    def test_it_refuses_private_addresses_unless_allowed_without_retrying(
        self, editor, receiver, settings, django_capture_on_commit_callbacks
    ):
        _subscribe(editor, receiver.url)
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.FAILED and "127.0.0.1" in delivery.last_error
        assert receiver.received == []

    def test_it_does_nothing_twice_for_a_duplicate_task(self, editor, receiver, django_capture_on_commit_callbacks):
        _subscribe(editor, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory()
        delivery = Delivery.objects.get()
        tasks.deliver_webhook(delivery.pk)  # a redelivered message
        assert len(receiver.received) == 1 and Delivery.objects.get().attempts == 1
