from __future__ import annotations

from django.urls import reverse

from claims_tracker.claims import services
from tests.factories import ArticleFactory, ClaimFactory, add_evidence


class TestClaimMerge:
    def test_it_merges_a_duplicate_into_the_claim_kept(self, editor_client, claim):
        target = ClaimFactory(text="Russia controls Soledar")
        services.appearance_add(claim=claim, article=ArticleFactory())
        add_evidence(claim)
        claim.refresh_from_db()
        data = {"version": claim.version, "suggestion": target.pk, "target": "", "confirm": "on"}
        response = editor_client.post(reverse("desk-claim-merge", args=[claim.pk]), data)
        assert response.status_code == 302
        assert response["Location"] == reverse("desk-claim-edit", args=[target.pk])
        claim.refresh_from_db()
        assert claim.merged_into == target
        assert target.appearances.count() == 1 and target.evidence.count() == 1
        assert claim.status_changes.count() == 1  # its history stays with it

    def test_it_needs_confirmation_and_keeps_the_choice(self, editor_client, claim):
        target = ClaimFactory()
        data = {"version": claim.version, "target": str(target.pk)}
        response = editor_client.post(reverse("desk-claim-merge", args=[claim.pk]), data)
        assert response.status_code == 400
        assert "confirm" in response.context["form"].errors
        assert response.context["form"]["target"].value() == str(target.pk)

    def test_it_refuses_a_stale_version(self, editor_client, colleague, claim):
        target = ClaimFactory()
        opened = claim.version
        services.claim_update(claim_id=claim.pk, expected_version=opened, user=colleague, text="Edited meanwhile")
        data = {"version": opened, "target": str(target.pk), "confirm": "on"}
        response = editor_client.post(reverse("desk-claim-merge", args=[claim.pk]), data)
        assert response.status_code == 409
        claim.refresh_from_db()
        assert claim.merged_into is None
        assert "Edited meanwhile" in response.content.decode()
