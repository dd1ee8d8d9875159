from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Appearance, Claim, Claimant
from claims_tracker.ingest.models import Candidate, CandidateState
from tests.factories import ClaimFactory


def _accept_data(**overrides):
    data = {
        "a-text": "Russian forces control Soledar.",
        "a-claimant": "",
        "a-new_claimant_name": "",
        "a-stance": "asserts",
        "a-quote": "",
        "a-verb": "said",
        "a-mode": "statement",
    }
    data.update(overrides)
    return data


class TestTriagePage:
    def test_it_prefills_the_accept_form_and_lists_shortcuts(self, editor_client, candidate):
        response = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert candidate.sentence.replace("'", "&#x27;") in html
        assert response.context["accept_form"].initial["claimant"] == candidate.claimant
        assert f'value="{candidate.claimant.name} #{candidate.claimant_id}"' in html
        assert "<kbd>a</kbd> accept" in html and "<kbd>r</kbd> reject" in html and "<kbd>j</kbd> next" in html

    @pytest.mark.parametrize("speaker", ["analysts", "Analysts", "officials", "He", "the ministry", "The Ministry"])
    def test_it_names_no_new_claimant_for_a_speaker_who_is_nobody_in_particular(
        self, editor_client, unmatched_candidate, speaker
    ):
        Candidate.objects.filter(pk=unmatched_candidate.pk).update(speaker_text=speaker)
        response = editor_client.get(reverse("desk-triage", args=[unmatched_candidate.pk]))
        assert response.context["accept_form"].initial["new_claimant_name"] == ""

    def test_it_names_the_new_claimant_after_a_named_speaker(self, editor_client, unmatched_candidate):
        response = editor_client.get(reverse("desk-triage", args=[unmatched_candidate.pk]))
        assert response.context["accept_form"].initial["new_claimant_name"] == "Pavlo Kyrylenko"

    def test_it_prefills_the_quote_with_the_reports_words_for_reported_speech(self, editor_client, candidate):
        response = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
        assert candidate.quote == ""
        assert response.context["accept_form"].initial["quote"] == candidate.statement
        assert response.context["attach_form"].initial["quote"] == candidate.statement

    def test_it_suggests_similar_claims_ranked_by_trigram_similarity(self, editor_client, candidate):
        close = ClaimFactory(text="Russia now controls the mining town of Soledar")
        ClaimFactory(text="Wheat exports rose in March")
        response = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
        suggestions = response.context["suggestions"]
        assert [m.claim.pk for m in suggestions][:1] == [close.pk]
        assert all("Wheat" not in m.claim.text for m in suggestions)
        assert suggestions[0].score > 0.5

    def test_it_redirects_to_the_next_untriaged_candidate(self, editor_client, candidate):
        response = editor_client.get(reverse("desk-triage-next"))
        assert response.status_code == 302
        assert response["Location"] == reverse("desk-triage", args=[candidate.pk])

    def test_it_says_when_the_queue_is_empty(self, editor_client, db):
        response = editor_client.get(reverse("desk-triage-next"))
        assert response.status_code == 200
        assert "No candidates are waiting" in response.content.decode()


class TestTriageAccept:
    def test_it_creates_a_claim_with_its_appearance(self, editor_client, editor, candidate, mod):
        url = reverse("desk-triage-accept", args=[candidate.pk])
        response = editor_client.post(url, _accept_data(**{"a-claimant": mod.pk, "a-quote": "Soledar is ours"}))
        assert response.status_code == 302
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.ACCEPTED and candidate.decided_by == editor
        claim = candidate.claim
        assert claim.text == "Russian forces control Soledar." and claim.claimant == mod
        appearance = claim.appearances.get()
        assert appearance.article == candidate.article and appearance.quote == "Soledar is ours"
        assert appearance.start_offset == candidate.start_offset
        assert appearance.is_paraphrase, "reported speech (no quotation marks) is the reporter's paraphrase"
        assert claim.status_changes.count() == 1

    def test_its_message_shortens_a_long_claim_at_a_word_boundary(self, editor_client, candidate, mod):
        text = (
            "Russian forces control Soledar after weeks of fighting, the Defense Ministry said, "
            "adding that its units had taken the town's personal residences one by one."
        )
        url = reverse("desk-triage-accept", args=[candidate.pk])
        response = editor_client.post(url, _accept_data(**{"a-claimant": mod.pk, "a-text": text}), follow=True)
        [message] = [str(m) for m in response.context["messages"] if str(m).startswith("Accepted")]
        shown = message.split("“", 1)[1].rsplit("”", 1)[0]
        assert shown.endswith("…") and text.startswith(shown[:-1])
        assert text[len(shown) - 1] == " ", f"cut inside a word: {shown!r}"

    def test_it_creates_a_new_claimant_named_by_the_editor(self, editor_client, unmatched_candidate):
        url = reverse("desk-triage-accept", args=[unmatched_candidate.pk])
        response = editor_client.post(url, _accept_data(**{"a-new_claimant_name": "Pavlo Kyrylenko"}))
        assert response.status_code == 302
        claimant = Claimant.objects.get(name="Pavlo Kyrylenko")
        unmatched_candidate.refresh_from_db()
        assert unmatched_candidate.claim.claimant == claimant
        assert unmatched_candidate.claimant == claimant

    def test_it_reshows_the_form_with_what_was_typed_when_no_claimant_is_given(
        self, editor_client, unmatched_candidate
    ):
        url = reverse("desk-triage-accept", args=[unmatched_candidate.pk])
        response = editor_client.post(url, _accept_data(**{"a-text": "My own words"}))
        assert response.status_code == 400
        form = response.context["accept_form"]
        assert "claimant" in form.errors
        assert form["text"].value() == "My own words"
        assert Claim.objects.count() == 0

    def test_it_refuses_a_candidate_already_triaged(self, editor_client, candidate, mod):
        Candidate.objects.filter(pk=candidate.pk).update(state=CandidateState.REJECTED)
        url = reverse("desk-triage-accept", args=[candidate.pk])
        response = editor_client.post(url, _accept_data(**{"a-claimant": mod.pk}))
        assert response.status_code == 400
        assert "already triaged" in response.content.decode()
        assert Claim.objects.count() == 0


class TestTriageAttach:
    def test_it_adds_an_appearance_to_the_chosen_suggestion(self, editor_client, candidate):
        existing = ClaimFactory(text="Russia controls Soledar")
        version = existing.version
        url = reverse("desk-triage-attach", args=[candidate.pk])
        response = editor_client.post(url, {"m-suggestion": existing.pk, "m-claim": "", "m-stance": "asserts"})
        assert response.status_code == 302
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.MERGED and candidate.claim == existing
        assert Appearance.objects.get(claim=existing).speaker == candidate.claimant
        existing.refresh_from_db()
        assert existing.version == version + 1

    def test_it_accepts_a_claim_number_typed_in(self, editor_client, candidate):
        existing = ClaimFactory()
        url = reverse("desk-triage-attach", args=[candidate.pk])
        response = editor_client.post(url, {"m-claim": f"#{existing.pk}", "m-stance": "reports"})
        assert response.status_code == 302
        assert Appearance.objects.get(claim=existing).stance == "reports"

    def test_it_reshows_the_form_for_an_unknown_claim(self, editor_client, candidate):
        url = reverse("desk-triage-attach", args=[candidate.pk])
        response = editor_client.post(url, {"m-claim": "999999", "m-stance": "asserts", "m-quote": "kept"})
        assert response.status_code == 400
        form = response.context["attach_form"]
        assert "There is no claim #999999." in form.errors["claim"]
        assert form["quote"].value() == "kept"
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.NEW

    def test_it_asks_for_a_claim_when_none_is_picked(self, editor_client, candidate):
        response = editor_client.post(reverse("desk-triage-attach", args=[candidate.pk]), {"m-stance": "asserts"})
        assert response.status_code == 400
        assert "Pick one of the suggested claims" in response.content.decode()


class TestTriageReject:
    def test_it_records_the_reason(self, editor_client, editor, candidate):
        response = editor_client.post(reverse("desk-triage-reject", args=[candidate.pk]), {"r-reason": "Narration"})
        assert response.status_code == 302
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.REJECTED
        assert candidate.reject_reason == "Narration" and candidate.decided_by == editor

    def test_it_requires_a_reason(self, editor_client, candidate):
        response = editor_client.post(reverse("desk-triage-reject", args=[candidate.pk]), {"r-reason": ""})
        assert response.status_code == 400
        assert response.context["reject_form"].errors["reason"]
        candidate.refresh_from_db()
        assert candidate.state == CandidateState.NEW

    def test_it_moves_on_to_the_next_candidate_of_the_article(self, editor_client, candidate, unmatched_candidate):
        # unmatched_candidate sits earlier in the text (offset 0); after it comes `candidate`.
        response = editor_client.post(
            reverse("desk-triage-reject", args=[unmatched_candidate.pk]), {"r-reason": "Not a claim"}
        )
        assert response["Location"] == reverse("desk-triage", args=[candidate.pk])

    def test_it_lands_on_the_desk_when_the_queue_is_empty(self, editor_client, candidate):
        response = editor_client.post(reverse("desk-triage-reject", args=[candidate.pk]), {"r-reason": "Not a claim"})
        assert response["Location"] == reverse("desk-home")
