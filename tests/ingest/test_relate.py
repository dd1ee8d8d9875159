"""ingest.bearing.article_relate: bearing suggestions and groups for an article's candidates, on real reports."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import EvidenceStance
from claims_tracker.ingest import tasks
from claims_tracker.ingest.bearing import article_relate
from claims_tracker.ingest.models import BearingSuggestion, Candidate, CandidateGroup
from tests.ingest.relate_fixtures import demo_claim, member, reports  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _relate_all(reports):  # noqa: F811
    for article in reports.values():
        article_relate(article.pk)


class TestArticleRelateTests:
    def test_it_groups_the_same_statement_from_two_outlets(self, reports):  # noqa: F811
        _relate_all(reports)
        nbc, other = (
            member(reports["nbc"], "russian-ministry-of-defence"),
            member(reports["other"], "russian-ministry-of-defence"),
        )
        assert nbc.group_id is not None and nbc.group_id == other.group_id
        malyar_nbc, malyar_other = member(reports["nbc"], "hanna-malyar"), member(reports["other"], "hanna-malyar")
        assert malyar_nbc.group_id is not None and malyar_nbc.group_id == malyar_other.group_id
        assert malyar_nbc.group_id != nbc.group_id  # different speakers are never grouped
        group = CandidateGroup.objects.get(pk=nbc.group_id)
        assert set(group.members.values_list("article_id", flat=True)) == {reports["nbc"].pk, reports["other"].pk}
        assert group.claimant.slug == "russian-ministry-of-defence"

    def test_it_leaves_a_statement_one_outlet_reports_alone(self, reports):  # noqa: F811
        _relate_all(reports)
        assert member(reports["nbc"], "pavlo-kyrylenko").group_id is None
        assert member(reports["nbc"], "samuel-ramani").group_id is None

    def test_it_proposes_the_withdrawal_as_evidence_confirming_control(self, reports):  # noqa: F811
        _relate_all(reports)
        withdrawal = Candidate.objects.get(article=reports["later"])
        suggestion = BearingSuggestion.objects.get(candidate=withdrawal, claim=demo_claim("mod"))
        assert suggestion.stance == EvidenceStance.SUPPORTS
        assert "“withdrawal” concedes “control”" in suggestion.reasons
        assert "both about Soledar" in suggestion.reasons

    def test_it_proposes_battles_continuing_as_evidence_against_control(self, reports):  # noqa: F811
        _relate_all(reports)
        malyar = member(reports["other"], "hanna-malyar")
        suggestion = BearingSuggestion.objects.get(candidate=malyar, claim=demo_claim("mod"))
        assert suggestion.stance == EvidenceStance.CONTRADICTS
        assert "“fighting goes on” disputes “control”" in suggestion.reasons
        # Her own claim is restated, not contradicted: no suggestion against it.
        assert not BearingSuggestion.objects.filter(candidate=malyar, claim=demo_claim("malyar")).exists()

    def test_it_is_idempotent(self, reports):  # noqa: F811
        _relate_all(reports)
        before = (
            sorted(Candidate.objects.values_list("pk", "group_id")),
            sorted(BearingSuggestion.objects.values_list("candidate_id", "claim_id", "stance")),
            CandidateGroup.objects.count(),
        )
        assert article_relate(reports["other"].pk) == (0, 0)
        _relate_all(reports)
        after = (
            sorted(Candidate.objects.values_list("pk", "group_id")),
            sorted(BearingSuggestion.objects.values_list("candidate_id", "claim_id", "stance")),
            CandidateGroup.objects.count(),
        )
        assert after == before

    def test_the_task_takes_an_id_and_shrugs_at_a_missing_article(self, reports):  # noqa: F811
        tasks.relate_candidates.apply(args=[reports["nbc"].pk]).get()
        tasks.relate_candidates.apply(args=[reports["other"].pk]).get()
        assert member(reports["other"], "russian-ministry-of-defence").group_id is not None
        tasks.relate_candidates.apply(args=[999_999_999]).get()  # merged away or deleted: nothing to do


class TestSpeakersNamedAnotherWay:
    def test_a_speaker_no_claimant_matched_joins_the_claimants_report_of_the_same_likely_claim(self, reports):  # noqa: F811
        """ "Moscow" matched no claimant, but its statement's likely claim is the MoD's: one speaker, one group."""
        nbc = member(reports["nbc"], "russian-ministry-of-defence")
        other = member(reports["other"], "russian-ministry-of-defence")
        Candidate.objects.filter(pk=other.pk).update(claimant=None, speaker_text="Moscow")
        _relate_all(reports)
        nbc.refresh_from_db()
        other.refresh_from_db()
        assert nbc.likely_claim_id == other.likely_claim_id == demo_claim("mod").pk
        assert nbc.group_id is not None and nbc.group_id == other.group_id

    def test_two_claimants_are_never_joined_by_a_likely_claim(self, reports):  # noqa: F811
        malyar = member(reports["other"], "hanna-malyar")
        mod = member(reports["nbc"], "russian-ministry-of-defence")
        Candidate.objects.filter(pk=malyar.pk).update(statement=mod.statement, quote=mod.quote, sentence=mod.sentence)
        _relate_all(reports)
        malyar.refresh_from_db()
        mod.refresh_from_db()
        assert malyar.group_id is None or malyar.group_id != mod.group_id
