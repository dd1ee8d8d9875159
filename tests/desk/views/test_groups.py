"""The desk's group row, group page (accept, attach, split off) and the bearing suggestions on the triage page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Appearance, Claim, Evidence, EvidenceStance
from claims_tracker.ingest.models import BearingSuggestion, Candidate, CandidateState, SuggestionState
from tests.desk.groups import QUOTES, make_group
from tests.factories import ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(mod):
    return make_group(mod)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class TestDeskHomeGroupRow:
    def test_a_group_is_one_row_saying_how_many_outlets_report_it(self, editor_client, group):
        response = editor_client.get(reverse("desk-home"))
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count(f'data-group="{group.pk}"') == 1
        assert f"reported by {len(QUOTES)} outlets" in html
        assert reverse("desk-group", args=[group.pk]) in html

    def test_a_group_with_one_report_left_is_no_longer_a_row(self, editor_client, group, editor):
        for member in Candidate.objects.filter(group=group)[1:]:
            Candidate.objects.filter(pk=member.pk).update(state=CandidateState.REJECTED)
        html = editor_client.get(reverse("desk-home")).content.decode()
        assert f'data-group="{group.pk}"' not in html and "Reported by several outlets" not in html

    def test_the_row_costs_a_fixed_number_of_queries(self, editor_client, mod, django_assert_max_num_queries):
        for _ in range(3):
            make_group(mod)
        editor_client.get(reverse("desk-home"))  # warm the session
        with django_assert_max_num_queries(20) as few:
            editor_client.get(reverse("desk-home"))
        few_count = len(few.captured_queries)
        for _ in range(4):
            make_group(ClaimantFactory())
        with django_assert_max_num_queries(few_count):
            editor_client.get(reverse("desk-home"))


class TestGroupPage:
    def test_it_lists_every_report_with_its_outlet_and_quote(self, editor_client, group):
        response = editor_client.get(reverse("desk-group", args=[group.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        for member in Candidate.objects.filter(group=group).select_related("article__outlet"):
            assert member.article.outlet.name in html and member.quote in html
        assert f"Accept {len(QUOTES)} reports" in html and f"Attach {len(QUOTES)} reports" in html
        assert response.context["accept_form"].initial["claimant"].pk == group.claimant_id

    def test_accepting_makes_one_claim_with_an_appearance_per_report(self, editor_client, group, mod):
        data = {"a-text": "Russian forces control Soledar.", "a-claimant": mod.pk, "a-new_claimant_name": ""}
        response = editor_client.post(reverse("desk-group-accept", args=[group.pk]), data, follow=True)
        claim = Claim.objects.get()
        assert response.redirect_chain[-1][0] == reverse("desk-claim-edit", args=[claim.pk])
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)
        assert any(f"with {len(QUOTES)} appearances" in m for m in _messages(response))

    def test_accepting_without_a_claimant_answers_400_with_the_form_error(self, editor_client, group):
        data = {"a-text": "Russian forces control Soledar.", "a-claimant": "", "a-new_claimant_name": " "}
        response = editor_client.post(reverse("desk-group-accept", args=[group.pk]), data)
        assert response.status_code == 400
        assert "Choose who made the claim" in response.content.decode()
        assert not Claim.objects.exists()

    def test_attaching_adds_each_report_to_the_chosen_claim(self, editor_client, group):
        claim = ClaimFactory()
        response = editor_client.post(reverse("desk-group-attach", args=[group.pk]), {"m-claim": str(claim.pk)})
        assert response.status_code == 302
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)

    def test_attaching_to_nothing_answers_400(self, editor_client, group):
        response = editor_client.post(reverse("desk-group-attach", args=[group.pk]), {"m-claim": ""})
        assert response.status_code == 400
        assert "Pick one of the suggested claims" in response.content.decode()

    def test_a_group_already_triaged_says_so_and_writes_nothing_more(self, editor_client, group):
        claim = ClaimFactory()
        editor_client.post(reverse("desk-group-attach", args=[group.pk]), {"m-claim": str(claim.pk)})
        response = editor_client.post(reverse("desk-group-attach", args=[group.pk]), {"m-claim": str(claim.pk)})
        assert response.status_code == 400
        assert any("already triaged" in m for m in _messages(response))
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)

    def test_splitting_a_member_off_keeps_it_and_takes_it_out(self, editor_client, group):
        wrong = Candidate.objects.filter(group=group).last()
        response = editor_client.post(reverse("desk-group-split", args=[group.pk, wrong.pk]), follow=True)
        wrong.refresh_from_db()
        assert wrong.group_id is None and wrong.kept_apart and wrong.state == CandidateState.NEW
        assert any("Split off" in m for m in _messages(response))
        assert f"Accept {len(QUOTES) - 1} reports" in response.content.decode()

    def test_splitting_a_candidate_of_another_group_is_a_404(self, editor_client, group, mod, candidate):
        assert editor_client.post(reverse("desk-group-split", args=[group.pk, candidate.pk])).status_code == 404

    def test_a_group_all_split_off_says_what_to_do(self, editor_client, group):
        Candidate.objects.filter(group=group).update(group=None, kept_apart=True)
        html = editor_client.get(reverse("desk-group", args=[group.pk])).content.decode()
        assert "Every report was split off this group" in html

    def test_readers_are_refused_the_split(self, reader_client, group):
        member = Candidate.objects.filter(group=group).first()
        assert reader_client.post(reverse("desk-group-split", args=[group.pk, member.pk])).status_code == 403
        member.refresh_from_db()
        assert member.group_id == group.pk


class TestTriagePageGroupAndBearings:
    def test_a_grouped_candidate_links_to_its_group(self, editor_client, group):
        member = Candidate.objects.filter(group=group).first()
        html = editor_client.get(reverse("desk-triage", args=[member.pk])).content.decode()
        assert reverse("desk-group", args=[group.pk]) in html and f"reported by {len(QUOTES)} outlets" in html

    @pytest.fixture
    def suggestion(self, candidate):
        claim = ClaimFactory(text="Fighting for Soledar was still going on.")
        reasons = ["both about Soledar", "“control” disputes “fighting goes on”"]
        return BearingSuggestion.objects.create(
            candidate=candidate, claim=claim, stance=EvidenceStance.CONTRADICTS, reasons=reasons
        )

    def test_it_shows_the_suggestion_with_its_reasons(self, editor_client, suggestion):
        html = editor_client.get(reverse("desk-triage", args=[suggestion.candidate_id])).content.decode()
        assert "Bears on existing claims" in html and "Contradicts" in html
        assert "both about Soledar · “control” disputes “fighting goes on”" in html

    def test_accepting_adds_evidence_and_returns_to_the_candidate(self, editor_client, suggestion):
        url = reverse("desk-bearing-accept", args=[suggestion.pk])
        response = editor_client.post(url, {"stance": "contradicts", "kind": "official_statement"})
        assert response.status_code == 302
        assert response["Location"] == reverse("desk-triage", args=[suggestion.candidate_id])
        evidence = Evidence.objects.get()
        assert (evidence.claim_id, evidence.stance, evidence.kind) == (
            suggestion.claim_id,
            "contradicts",
            "official_statement",
        )
        html = editor_client.get(response["Location"]).content.decode()
        assert "Bears on existing claims" not in html  # decided: no longer proposed

    def test_a_hostile_kind_is_refused_and_nothing_is_added(self, editor_client, suggestion):
        url = reverse("desk-bearing-accept", args=[suggestion.pk])
        response = editor_client.post(url, {"stance": "contradicts", "kind": "<script>"}, follow=True)
        assert any("Choose a stance and a kind" in m for m in _messages(response))
        assert not Evidence.objects.exists()
        suggestion.refresh_from_db()
        assert suggestion.state == SuggestionState.PROPOSED

    def test_dismissing_keeps_the_record(self, editor_client, suggestion, editor):
        response = editor_client.post(reverse("desk-bearing-dismiss", args=[suggestion.pk]), follow=True)
        suggestion.refresh_from_db()
        assert (suggestion.state, suggestion.decided_by) == (SuggestionState.DISMISSED, editor)
        assert any("Dismissed" in m for m in _messages(response))
        again = editor_client.post(reverse("desk-bearing-dismiss", args=[suggestion.pk]), follow=True)
        assert any("already dismissed" in m for m in _messages(again))

    def test_a_missing_suggestion_is_a_404(self, editor_client, db):
        assert editor_client.post(reverse("desk-bearing-dismiss", args=[999_999])).status_code == 404
