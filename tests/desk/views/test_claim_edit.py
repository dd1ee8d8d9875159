from __future__ import annotations

from django.urls import reverse

from claims_tracker.claims import services
from claims_tracker.claims.models import ClaimRelation
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, StoryFactory


def _edit_data(claim, **overrides):
    data = {
        "text": claim.text,
        "claimant": claim.claimant_id,
        "claimed_at": claim.claimed_at.strftime("%Y-%m-%dT%H:%M"),
        "version": claim.version,
    }
    data.update(overrides)
    return data


class TestClaimEdit:
    def test_it_shows_the_claim_with_its_history(self, editor_client, claim):
        response = editor_client.get(reverse("desk-claim-edit", args=[claim.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Edit history" in html and "State history" in html
        assert response.context["form"].initial["version"] == claim.version

    def test_it_saves_and_records_who_changed_which_field(self, editor_client, editor, claim):
        story = StoryFactory(title="Battle for Soledar")
        data = _edit_data(claim, text="Russian forces control Soledar.", stories=[story.pk])
        response = editor_client.post(reverse("desk-claim-edit", args=[claim.pk]), data)
        assert response.status_code == 302
        assert response["Location"] == reverse("desk-claim-edit", args=[claim.pk])
        claim.refresh_from_db()
        assert claim.text == "Russian forces control Soledar." and list(claim.stories.all()) == [story]
        latest = claim.history.first()
        assert latest.history_user == editor
        assert latest.claimed_at == claim.claimed_at == latest.prev_record.claimed_at  # untouched, seconds kept
        page = editor_client.get(response["Location"]).content.decode()
        assert "Claim saved." in page
        assert "Russian forces control Soledar." in page and "<del>" in page

    def test_it_reshows_the_typed_input_when_invalid(self, editor_client, claim):
        response = editor_client.post(
            reverse("desk-claim-edit", args=[claim.pk]), _edit_data(claim, text="  ", claimant="")
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) >= {"text", "claimant"}

    def test_it_refuses_a_stale_version_and_shows_the_other_change(self, editor_client, colleague, claim):
        opened = claim.version
        services.claim_update(claim_id=claim.pk, expected_version=opened, user=colleague, text="Colleague's words.")
        response = editor_client.post(
            reverse("desk-claim-edit", args=[claim.pk]), _edit_data(claim, text="My words.", version=opened)
        )
        assert response.status_code == 409
        claim.refresh_from_db()
        assert claim.text == "Colleague's words."
        html = response.content.decode()
        assert "someone else changed this" in html
        assert "colleague" in html and "Colleague&#x27;s words." in html
        form = response.context["form"]
        assert form["text"].value() == "My words."
        assert form["version"].value() == str(claim.version)

    def test_it_redirects_a_merged_claim_to_the_one_kept(self, editor_client, claim):
        target = ClaimFactory()
        services.claim_merge(source_id=claim.pk, target_id=target.pk)
        response = editor_client.get(reverse("desk-claim-edit", args=[claim.pk]))
        assert response["Location"] == reverse("desk-claim-edit", args=[target.pk])


class TestClaimCreate:
    def test_it_logs_a_claim(self, editor_client, editor):
        claimant = ClaimantFactory()
        data = {"text": "Only 500 people remain.", "claimant": claimant.pk, "claimed_at": "2023-01-10T09:00"}
        response = editor_client.post(reverse("desk-claim-create"), data)
        assert response.status_code == 302
        claim = claimant.claims.get()
        assert claim.created_by == editor and claim.status == "unverified"

    def test_it_reshows_the_form_when_invalid(self, editor_client, db):
        response = editor_client.post(reverse("desk-claim-create"), {"text": "Kept text", "claimed_at": "not a date"})
        assert response.status_code == 400
        assert response.context["form"]["text"].value() == "Kept text"


class TestClaimRelate:
    def test_it_relates_two_claims(self, editor_client, claim):
        other = ClaimFactory()
        response = editor_client.post(
            reverse("desk-claim-relate", args=[claim.pk]), {"rel-kind": "contradicts", "rel-other": str(other.pk)}
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#relations")
        assert ClaimRelation.objects.filter(from_claim=claim, to_claim=other, kind="contradicts").exists()

    def test_it_accepts_the_address_of_the_other_claims_page(self, editor_client, claim):
        other = ClaimFactory()
        response = editor_client.post(
            reverse("desk-claim-relate", args=[claim.pk]),
            {"rel-kind": "supports", "rel-other": f"http://testserver/claims/{other.pk}/"},
        )
        assert response.status_code == 302

    def test_it_refuses_a_relation_to_itself_on_the_field(self, editor_client, claim):
        response = editor_client.post(
            reverse("desk-claim-relate", args=[claim.pk]), {"rel-kind": "contradicts", "rel-other": str(claim.pk)}
        )
        assert response.status_code == 400
        assert response.context["relation_form"].errors["other"] == ["A claim cannot be related to itself."]


class TestClaimAppearanceAdd:
    def test_it_adds_an_appearance(self, editor_client, claim):
        article = ArticleFactory()
        data = {"app-article": article.pk, "app-stance": "asserts", "app-mode": "telegram", "app-quote": "Hot night"}
        response = editor_client.post(reverse("desk-claim-appearance-add", args=[claim.pk]), data)
        assert response.status_code == 302
        appearance = claim.appearances.get()
        assert appearance.speaker == claim.claimant and appearance.mode == "telegram"

    def test_it_reshows_an_invalid_appearance(self, editor_client, claim):
        data = {"app-article": "", "app-stance": "asserts", "app-mode": "statement", "app-quote": "Kept"}
        response = editor_client.post(reverse("desk-claim-appearance-add", args=[claim.pk]), data)
        assert response.status_code == 400
        assert response.context["appearance_form"]["quote"].value() == "Kept"


class TestClaimEvidenceAdd:
    def test_it_adds_evidence(self, editor_client, editor, claim):
        data = {
            "ev-url": "https://example.org/report",
            "ev-kind": "imagery",
            "ev-stance": "supports",
            "ev-summary": "Geo",
        }
        response = editor_client.post(reverse("desk-claim-evidence-add", args=[claim.pk]), data)
        assert response.status_code == 302
        assert claim.evidence.get().added_by == editor

    def test_it_needs_a_source(self, editor_client, claim):
        data = {"ev-url": "", "ev-kind": "imagery", "ev-stance": "supports", "ev-summary": "Kept summary"}
        response = editor_client.post(reverse("desk-claim-evidence-add", args=[claim.pk]), data)
        assert response.status_code == 400
        form = response.context["evidence_form"]
        assert form.errors["url"] == ["Evidence needs a URL or an article."]
        assert form["summary"].value() == "Kept summary"
