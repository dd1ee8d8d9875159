from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims_tracker.claims import services
from tests.factories import ClaimFactory, add_evidence


def _data(claim, **overrides):
    data = {"version": claim.version, "to_status": "disputed", "rationale": "Ukraine rejects it.", "new_kind": "other"}
    data.update(overrides)
    return data


class TestClaimStatus:
    def test_it_states_what_each_target_needs(self, editor_client, claim):
        html = editor_client.get(reverse("desk-claim-status", args=[claim.pk])).content.decode()
        assert "Needs a rationale and evidence that supports the claim." in html
        assert "Needs a rationale and evidence that contradicts the claim." in html
        assert "Needs a rationale naming who contests it." in html

    def test_it_changes_the_state(self, editor_client, editor, claim):
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), _data(claim))
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.status == "disputed" and claim.status_changed_by == editor

    def test_it_refuses_confirmed_without_evidence_on_the_evidence_field(self, editor_client, claim):
        data = _data(claim, to_status="confirmed", rationale="Conceded.")
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data)
        assert response.status_code == 400
        form = response.context["form"]
        assert "needs evidence" in form.errors["evidence"][0]
        assert form["rationale"].value() == "Conceded."
        claim.refresh_from_db()
        assert claim.status == "unverified"

    def test_it_reports_every_problem_in_one_go(self, editor_client, claim):
        """A missing rationale and missing evidence show together, not one submit after the other."""
        data = _data(claim, to_status="confirmed", rationale="", new_summary="Ukraine's military conceded.")
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data)
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert set(errors) >= {"rationale", "evidence", "new_stance", "new_url"}
        assert "needs evidence" in errors["evidence"][0]
        assert claim.evidence.count() == 0

    def test_it_records_when_the_state_became_true_beside_when_it_was_recorded(self, editor_client, client):
        claim = ClaimFactory(claimed_at=datetime(2023, 1, 13, 9, 40, tzinfo=UTC))
        data = _data(claim, changed_at="2023-01-20T08:00")
        assert editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data).status_code == 302
        change = claim.status_changes.order_by("-id").first()
        assert change.changed_at.isoformat() == "2023-01-20T08:00:00+00:00"
        assert change.recorded_at > change.changed_at and change.backdated
        html = client.get(claim.get_absolute_url()).content.decode()
        assert "true as of" in html and "recorded" in html

    @pytest.mark.parametrize(
        ("when", "message"),
        [("2999-01-01T00:00", "still to come"), ("2000-01-01T00:00", "before the previous one")],
    )
    def test_it_refuses_a_true_as_of_date_in_the_future_or_before_the_last_change(
        self, editor_client, claim, when, message
    ):
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), _data(claim, changed_at=when))
        assert response.status_code == 400
        assert message in response.context["form"].errors["changed_at"][0]
        assert claim.status_changes.count() == 1

    def test_it_adds_new_evidence_and_cites_it_in_one_step(self, editor_client, claim):
        data = _data(
            claim,
            to_status="confirmed",
            new_url="https://example.org/withdrawal",
            new_kind="admission",
            new_stance="supports",
            new_summary="Ukraine's military said its forces withdrew.",
        )
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data)
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.status == "confirmed"
        change = claim.status_changes.order_by("-id").first()
        assert [e.summary for e in change.evidence.all()] == ["Ukraine's military said its forces withdrew."]

    def test_it_keeps_no_new_evidence_when_the_change_is_refused(self, editor_client, claim):
        data = _data(
            claim,
            to_status="confirmed",
            new_url="https://example.org/x",
            new_stance="contradicts",
            new_summary="Contradicting source",
        )
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data)
        assert response.status_code == 400
        assert "supports the claim" in response.context["form"].errors["evidence"][0]
        assert claim.evidence.count() == 0

    def test_it_cites_existing_evidence(self, editor_client, claim):
        evidence = add_evidence(claim)
        claim.refresh_from_db()
        data = _data(claim, to_status="confirmed", evidence=[evidence.pk])
        assert editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data).status_code == 302

    def test_it_lets_only_a_reviewer_give_a_verdict_when_the_setting_is_on(
        self, settings, editor_client, reviewer_client, claim
    ):
        settings.CLAIMS_VERDICT_NEEDS_REVIEWER = True
        evidence = add_evidence(claim)
        claim.refresh_from_db()
        data = _data(claim, to_status="confirmed", evidence=[evidence.pk])
        page = editor_client.get(reverse("desk-claim-status", args=[claim.pk])).content.decode()
        assert "reviewer's act in this newsroom" in page
        response = editor_client.post(reverse("desk-claim-status", args=[claim.pk]), data)
        assert response.status_code == 400
        assert "needs a reviewer" in response.context["form"].errors["to_status"][0]
        assert reviewer_client.post(reverse("desk-claim-status", args=[claim.pk]), data).status_code == 302
        claim.refresh_from_db()
        assert claim.status == "confirmed"

    def test_it_refuses_a_stale_version(self, editor_client, colleague, claim):
        opened = claim.version
        services.claim_change_status(claim_id=claim.pk, to_status="disputed", rationale="Contested.", user=colleague)
        response = editor_client.post(
            reverse("desk-claim-status", args=[claim.pk]),
            _data(claim, version=opened, to_status="unverifiable", rationale="Mine"),
        )
        assert response.status_code == 409
        claim.refresh_from_db()
        assert claim.status == "disputed"
        html = response.content.decode()
        assert "someone else changed this" in html and "colleague" in html
        assert response.context["form"]["rationale"].value() == "Mine"
