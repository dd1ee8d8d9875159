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

    def test_it_suggests_the_duplicate_first_with_its_score_and_reasons(self, editor_client, claim):
        duplicate = ClaimFactory(text=f"{claim.text} after weeks of fighting", claimant=claim.claimant)
        ClaimFactory(text="Ukraine says battles for Bakhmut go on")
        for name in ("desk-claim-merge", "desk-claim-edit"):
            response = editor_client.get(reverse(name, args=[claim.pk]))
            suggestions = response.context["suggestions"]
            assert suggestions[0].claim == duplicate, name
            assert claim.pk not in {s.claim.pk for s in suggestions}
            assert {r.code for r in suggestions[0].reasons} >= {"claimant"}
            assert f"#{duplicate.pk}" in response.content.decode() and "same claimant" in response.content.decode()
