"""desk.group_services: a group accepted or attached acts on each member; splitting; bearing decisions."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Appearance, Claim, Evidence, EvidenceStance
from claims_tracker.claims.services import ServiceError
from claims_tracker.desk import group_services, services
from claims_tracker.ingest.models import BearingSuggestion, Candidate, CandidateGroup, CandidateState, SuggestionState
from tests.desk.groups import QUOTES, make_group
from tests.factories import ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(mod):
    return make_group(mod)


def _members(group):
    return list(Candidate.objects.filter(group=group).select_related("article").order_by("article__published_at"))


class TestGroupAccept:
    def test_each_member_becomes_its_own_appearance_of_one_new_claim(self, group, mod, editor):
        claim, members = group_services.group_accept(
            group_id=group.pk, user=editor, text="Russian forces control Soledar.", claimant=mod
        )
        assert Claim.objects.count() == 1 and claim.claimant == mod
        appearances = list(Appearance.objects.filter(claim=claim).select_related("article"))
        expected = {(m.article_id, m.article.outlet_id, m.quote, m.stance, m.verb) for m in _members(group)}
        assert {(a.article_id, a.article.outlet_id, a.quote, a.stance, a.verb) for a in appearances} == expected
        assert len(appearances) == len(QUOTES) == len(members)
        states = {c.state for c in _members(group)}
        assert states == {CandidateState.ACCEPTED, CandidateState.MERGED}
        assert all(c.claim_id == claim.pk and c.decided_by == editor for c in _members(group))
        assert claim.claimed_at == _members(group)[0].article.published_at  # the earliest report's date

    def test_it_refuses_without_a_claimant_and_writes_nothing(self, group, editor):
        with pytest.raises(ServiceError):
            group_services.group_accept(group_id=group.pk, user=editor, text="Soledar taken.", claimant=None)
        assert not Claim.objects.exists() and not Appearance.objects.exists()
        assert {c.state for c in _members(group)} == {CandidateState.NEW}

    def test_it_skips_members_already_triaged(self, group, mod, editor):
        first = _members(group)[0]
        services.candidate_reject(candidate_id=first.pk, user=editor, reason="Not a claim")
        claim, members = group_services.group_accept(group_id=group.pk, user=editor, text="Soledar.", claimant=mod)
        assert first.pk not in {m.pk for m in members}
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES) - 1
        first.refresh_from_db()
        assert first.state == CandidateState.REJECTED

    def test_it_refuses_a_group_with_nothing_left_to_triage(self, group, mod, editor):
        group_services.group_accept(group_id=group.pk, user=editor, text="Soledar.", claimant=mod)
        with pytest.raises(ServiceError, match="already triaged"):
            group_services.group_accept(group_id=group.pk, user=editor, text="Soledar.", claimant=mod)
        assert Claim.objects.count() == 1

    def test_it_refuses_a_missing_group(self, editor, mod):
        with pytest.raises(ServiceError, match="does not exist"):
            group_services.group_accept(group_id=999_999, user=editor, text="x", claimant=mod)


class TestGroupAttach:
    def test_each_member_becomes_an_appearance_of_the_claim(self, group, editor):
        claim = ClaimFactory()
        members = group_services.group_attach(group_id=group.pk, claim=claim, user=editor)
        assert len(members) == len(QUOTES)
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)
        assert {c.state for c in _members(group)} == {CandidateState.MERGED}

    def test_it_refuses_a_merged_claim_and_writes_nothing(self, group, editor):
        kept, gone = ClaimFactory(), ClaimFactory()
        Claim.objects.filter(pk=gone.pk).update(merged_into=kept)
        gone.refresh_from_db()
        with pytest.raises(ServiceError, match="merged into"):
            group_services.group_attach(group_id=group.pk, claim=gone, user=editor)
        assert not Appearance.objects.exists()

    def test_all_or_nothing_when_a_member_cannot_be_attached(self, group, editor):
        claim = ClaimFactory()
        last = _members(group)[-1]
        # The last member's span no longer fits its report (a broken row): appearance_add refuses it, and the
        # members attached before it in the same transaction are rolled back with it.
        Candidate.objects.filter(pk=last.pk).update(end_offset=len(last.article.text) + 10)
        with pytest.raises(ServiceError, match="outside the article"):
            group_services.group_attach(group_id=group.pk, claim=claim, user=editor)
        assert not Appearance.objects.filter(claim=claim).exists()
        assert {c.state for c in _members(group)} == {CandidateState.NEW}


class TestGroupSplit:
    def test_a_split_member_leaves_the_group_for_good_and_nothing_is_deleted(self, group, mod, editor):
        wrong = _members(group)[1]
        group_services.group_split(candidate_id=wrong.pk, user=editor)
        wrong.refresh_from_db()
        assert wrong.group_id is None and wrong.kept_apart and wrong.state == CandidateState.NEW
        claim, members = group_services.group_accept(group_id=group.pk, user=editor, text="Soledar.", claimant=mod)
        assert wrong.pk not in {m.pk for m in members}
        assert Candidate.objects.count() == len(QUOTES) and CandidateGroup.objects.count() == 1

    def test_it_refuses_a_candidate_not_in_a_group(self, candidate, editor):
        with pytest.raises(ServiceError, match="not in a group"):
            group_services.group_split(candidate_id=candidate.pk, user=editor)


@pytest.fixture
def suggestion(candidate):
    claim = ClaimFactory(claimant=ClaimantFactory(name="Hanna Malyar"))
    return BearingSuggestion.objects.create(
        candidate=candidate, claim=claim, stance=EvidenceStance.CONTRADICTS, reasons=["both about Soledar"]
    )


class TestBearingDecisions:
    def test_accepting_adds_the_report_as_evidence_with_the_suggested_stance(self, suggestion, editor):
        group_services.bearing_accept(suggestion_id=suggestion.pk, user=editor)
        suggestion.refresh_from_db()
        evidence = Evidence.objects.get()
        assert (suggestion.state, suggestion.evidence, suggestion.decided_by) == (
            SuggestionState.ACCEPTED,
            evidence,
            editor,
        )
        assert (evidence.claim_id, evidence.stance, evidence.article_id) == (
            suggestion.claim_id,
            EvidenceStance.CONTRADICTS,
            suggestion.candidate.article_id,
        )
        assert evidence.summary.startswith("Russian Defense Ministry: Russia now controls")

    def test_the_editor_may_choose_the_other_stance(self, suggestion, editor):
        group_services.bearing_accept(suggestion_id=suggestion.pk, user=editor, stance=EvidenceStance.SUPPORTS)
        assert Evidence.objects.get().stance == EvidenceStance.SUPPORTS

    def test_dismissing_keeps_the_suggestion_and_adds_nothing(self, suggestion, editor):
        group_services.bearing_dismiss(suggestion_id=suggestion.pk, user=editor)
        suggestion.refresh_from_db()
        assert suggestion.state == SuggestionState.DISMISSED and suggestion.decided_at
        assert not Evidence.objects.exists()

    def test_a_second_decision_is_refused(self, suggestion, editor):
        group_services.bearing_dismiss(suggestion_id=suggestion.pk, user=editor)
        with pytest.raises(ServiceError, match="already dismissed"):
            group_services.bearing_accept(suggestion_id=suggestion.pk, user=editor)
        assert not Evidence.objects.exists()
