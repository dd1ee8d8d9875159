"""The admin is usable by an operator: every model lists, filters, searches and opens."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from claims_tracker.claims.models import Claim, Status
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, add_evidence


@pytest.fixture
def operator(db, client):
    user = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _registered():
    apps = {"claims", "ingest", "webhooks", "archive", "factchecks"}
    return [m for m in admin.site._registry if m._meta.app_label in apps]


@pytest.mark.django_db
class TestAdmin:
    def test_every_domain_model_is_registered(self):
        labels = {m._meta.label for m in _registered()}
        assert labels >= {
            "claims.Outlet",
            "claims.Article",
            "claims.Claimant",
            "claims.Story",
            "claims.Claim",
            "claims.Evidence",
            "claims.StatusChange",
            "claims.ClaimRelation",
            "ingest.Feed",
            "ingest.Candidate",
        }

    def test_every_changelist_opens_and_searches(self, client, operator):
        claim = ClaimFactory(text="Soledar is taken.")
        add_evidence(claim)
        for model in _registered():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url
            assert client.get(url, {"q": "Soledar"}).status_code == 200, url

    def test_the_claim_page_shows_history_read_only(self, client, operator):
        claim = ClaimFactory()
        response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
        assert response.status_code == 200
        assert "Logged as claimed" in response.content.decode()

    def test_status_history_cannot_be_changed_or_deleted_in_the_admin(self, client, operator):
        change = ClaimFactory().status_changes.get()
        assert (
            client.post(reverse("admin:claims_statuschange_delete", args=[change.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert client.get(reverse("admin:claims_statuschange_add")).status_code == 403

    def test_an_operator_changes_state_through_the_service_rules(self, client, operator):
        claim = ClaimFactory()
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        form = {
            "text": claim.text,
            "claimant": claim.claimant_id,
            "claimed_at_0": "2023-01-13",
            "claimed_at_1": "09:00:00",
            "new_status": Status.CONFIRMED,
            "rationale": "Conceded.",
            **_empty_inlines(),
        }
        response = client.post(url, form)
        assert response.status_code == 200  # refused: confirmed needs evidence, form shown again
        claim.refresh_from_db()
        assert claim.status == Status.UNVERIFIED
        form["new_status"] = Status.DISPUTED
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:2000]
        claim.refresh_from_db()
        assert claim.status == Status.DISPUTED and claim.status_changes.count() == 2

    def test_claims_cannot_be_deleted(self, client, operator):
        claim = ClaimFactory()
        assert client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 403
        assert Claim.objects.filter(pk=claim.pk).exists()

    def test_the_article_page_opens(self, client, operator):
        article = ArticleFactory()
        assert client.get(reverse("admin:claims_article_change", args=[article.pk])).status_code == 200


def _empty_inlines() -> dict:
    data = {}
    for prefix in ("appearances", "evidence", "status_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data
