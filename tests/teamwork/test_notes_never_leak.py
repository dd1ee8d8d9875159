"""An internal note's text never leaves the desk: not on reader pages, Atom feeds, sitemaps, the API
(anonymous or signed in), the ClaimReview JSON-LD, nor webhook payloads (read at a real receiver)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims_tracker.claims import services as claim_services
from claims_tracker.claims.models import Status
from claims_tracker.teamwork import services
from claims_tracker.teamwork.models import Note
from claims_tracker.webhooks import services as webhooks
from claims_tracker.webhooks.models import Delivery
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, StoryFactory, add_evidence
from tests.webhooks.conftest import receiver  # noqa: F401 - fixture: a real HTTP endpoint on 127.0.0.1

pytestmark = pytest.mark.django_db


@pytest.fixture
def _open_settings(settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True  # the receiver listens on 127.0.0.1
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    settings.API_SYNC_SETTLE_SECONDS = settings.API_SYNC_HORIZON_CACHE_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": None, "user": None},
    }


def test_a_notes_text_is_on_the_desk_and_nowhere_public(
    _open_settings,
    editor,
    reviewer,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    marker = f"NOTE-MARKER-{uuid.uuid4().hex}"
    webhooks.subscription_create(
        owner=editor, url=receiver.url, events=["claim.created", "status.changed"], secret="x" * 32
    )
    story, claimant = StoryFactory(), ClaimantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(text="Russian forces control Soledar", claimant=claimant, stories=[story])
        services.note_add(claim_id=claim.pk, user=editor, text=f"First call: {marker}")
        claim_services.appearance_add(claim=claim, article=ArticleFactory(), created_by=editor)
        evidence = add_evidence(claim, added_by=editor)
        claim_services.claim_change_status(
            claim_id=claim.pk,
            to_status=Status.CONFIRMED,
            rationale="Conceded.",
            user=reviewer,
            evidence_ids=[evidence.pk],
        )
        first = Note.objects.get()
        services.note_add(claim_id=claim.pk, user=reviewer, text=f"Correction: {marker}", corrects_id=first.pk)

    # The test can fail: the note is there, on the desk.
    desk = Client()
    desk.force_login(editor)
    assert marker in desk.get(reverse("desk-claim-edit", args=[claim.pk])).content.decode()

    reader_urls = [
        reverse("claims-list"),
        reverse("claims-list") + "?q=Soledar",
        reverse("claims-detail", args=[claim.pk]),  # carries the ClaimReview JSON-LD
        reverse("claims-claimant", args=[claimant.slug]),
        reverse("claims-story", args=[story.slug]),
        reverse("claims-feed"),
        reverse("claims-feed-changes"),
        reverse("claims-feed-story", args=[story.slug]),
        reverse("claims-feed-claimant", args=[claimant.slug]),
        reverse("claims-sitemap"),
    ]
    api_urls = [
        reverse("api-claims-list"),
        reverse("api-claims-sync"),
        reverse("api-claims-detail", args=[claim.pk]),
        reverse("api-claims-claimreview", args=[claim.pk]),
        reverse("api-claimreview-feed"),
        reverse("api-status-changes-list"),
        reverse("api-stories-detail", args=[story.slug]),
        reverse("api-claimants-detail", args=[claimant.slug]),
    ]
    anonymous, signed_in = APIClient(), APIClient()
    signed_in.force_authenticate(editor)  # an editor's token sees the same public shapes
    seen = 0
    for client in (Client(), anonymous, signed_in):
        for url in reader_urls + api_urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert marker.encode() not in body, url
            seen += 1
    assert seen == 3 * len(reader_urls + api_urls)

    # Webhooks: the deliveries were made (claim created, state changed) and carry no note.
    assert len(receiver.received) == 2
    assert all(marker.encode() not in hit.body for hit in receiver.received)
    assert Delivery.objects.count() == 2
    assert all(marker not in str(payload) for payload in Delivery.objects.values_list("payload", flat=True))
