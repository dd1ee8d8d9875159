"""ingest.bearing.article_relate: bearing suggestions and groups for an article's candidates, on real reports."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import EvidenceStance
from claims_tracker.claims.selectors import claim_word_statistics
from claims_tracker.ingest import tasks
from claims_tracker.ingest.bearing import article_relate
from claims_tracker.ingest.claim_matching import candidate_matches, candidates_matches
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


class TestArticleRelateCostTests:
    def test_the_candidates_matched_at_once_match_as_each_alone(self, reports):  # noqa: F811
        candidates = list(
            Candidate.objects.filter(article__in=reports.values()).select_related("claimant", "article").order_by("pk")
        )
        together = candidates_matches(candidates)
        alone = [candidate_matches(c) for c in candidates]

        def shown(matches):
            return [(m.claim.pk, m.score, m.reasons) for m in matches]

        assert [shown(m) for m in together] == [shown(m) for m in alone]
        # Not a comparison of empty lists: most candidates have matches, for many reasons.
        assert sum(1 for m in alone if m) >= len(candidates) // 2
        assert {r.code for m in alone for match in m for r in match.reasons} >= {
            "claimant",
            "organisation",
            "words",
            "places",
        }

    def test_it_reads_in_a_few_queries_whatever_the_number_of_candidates(
        self,
        reports,  # noqa: F811
        django_assert_max_num_queries,
    ):
        assert Candidate.objects.filter(article=reports["nbc"]).count() >= 8
        assert Candidate.objects.filter(article=reports["later"]).count() == 1
        claim_word_statistics()  # PostgreSQL's word statistics, read once per process every ten minutes
        # The candidates; their lexemes, pools and scores, claims; the suggestions known, the new ones; for
        # grouping its candidates, their likely claims, the peers; then (in a savepoint) lock, read, write.
        # (The other outlet's candidates are stored already: the first report's restatements are grouped now.)
        with django_assert_max_num_queries(15) as many:
            made, grouped = article_relate(reports["nbc"].pk)
        assert made > 0 and grouped > 0
        with django_assert_max_num_queries(len(many.captured_queries)) as one:
            made, grouped = article_relate(reports["later"].pk)
        assert made > 0 and grouped == 0
        assert len(one.captured_queries) >= 8  # the same statements as for many, less grouping's writes
