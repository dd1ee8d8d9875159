"""ingest.grouping: the restatement score and candidates_group."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from claims_tracker.ingest.grouping import SAME_STATEMENT, candidates_group, restatement_score
from claims_tracker.ingest.models import Candidate, CandidateGroup, CandidateState
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory

MOD = "Russian forces now control the mining town of Soledar"
MOD_AGAIN = "Russian forces have taken control of the mining town of Soledar"


def _candidate(statement: str, *, claimant=None, speaker: str = "", article=None, **fields) -> Candidate:
    article = article or ArticleFactory()
    start = Candidate.objects.filter(article=article).count() * 100
    return Candidate.objects.create(
        article=article,
        sentence=statement + ", the ministry said.",
        statement=statement,
        speaker_text=speaker or (claimant.name if claimant else ""),
        claimant=claimant,
        start_offset=start,
        end_offset=start + 50,
        **fields,
    )


def test_the_score_is_symmetric_and_bounded():
    a = restatement_score(MOD, MOD_AGAIN)
    assert a == restatement_score(MOD_AGAIN, MOD)
    assert SAME_STATEMENT <= a.score <= 1
    assert restatement_score(MOD, MOD).score == 1.0
    assert restatement_score(MOD, "Only 500 people remain in the town, most of them elderly").score < 0.2
    assert restatement_score("", MOD).score == 0.0


@pytest.mark.django_db
class TestCandidatesGroup:
    def test_it_groups_one_speakers_statement_across_articles(self, django_assert_num_queries):
        mod = ClaimantFactory()
        first = _candidate(MOD, claimant=mod)
        second = _candidate(MOD_AGAIN, claimant=mod)
        # Read its own, read the peers; then in a savepoint: lock the peer, create the group, set both.
        with django_assert_num_queries(8):
            assert candidates_group(second.article_id) == 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.group_id == second.group_id is not None
        group = CandidateGroup.objects.get()
        assert (group.claimant_id, group.statement) == (mod.pk, MOD)

    def test_a_third_report_joins_the_group(self):
        mod = ClaimantFactory()
        _candidate(MOD, claimant=mod)
        second = _candidate(MOD_AGAIN, claimant=mod)
        candidates_group(second.article_id)
        third = _candidate("Russian forces control the town of Soledar now", claimant=mod)
        assert candidates_group(third.article_id) == 1
        assert CandidateGroup.objects.count() == 1
        assert CandidateGroup.objects.get().members.count() == 3

    def test_it_never_groups_different_speakers_or_unattributed_lines(self):
        _candidate(MOD, claimant=ClaimantFactory())
        other = _candidate(MOD, claimant=ClaimantFactory())
        nobody = _candidate(MOD)
        nobody_again = _candidate(MOD)
        for candidate in (other, nobody, nobody_again):
            assert candidates_group(candidate.article_id) == 0
        assert not Candidate.objects.filter(group__isnull=False).exists()

    def test_unmatched_speakers_group_by_the_name_as_written(self):
        first = _candidate(MOD, speaker="Kremlin spokesman Dmitry Peskov")
        second = _candidate(MOD_AGAIN, speaker="Kremlin spokesman Dmitry Peskov")
        assert candidates_group(second.article_id) == 1
        first.refresh_from_db()
        assert first.group_id is not None

    def test_it_groups_different_words_when_both_match_the_same_claim(self):
        mod = ClaimantFactory()
        claim = ClaimFactory(claimant=mod)
        _candidate("Soledar is ours, the liberation is complete", claimant=mod, likely_claim=claim)
        second = _candidate("Our forces finished taking the salt town", claimant=mod)
        assert restatement_score("Soledar is ours, the liberation is complete", second.statement).score < 0.3
        assert candidates_group(second.article_id, {second.pk: claim.pk}) == 1
        second.refresh_from_db()
        assert second.group_id is not None and second.likely_claim_id == claim.pk

    def test_it_leaves_a_member_an_editor_split_off_and_rejected_candidates_alone(self):
        mod = ClaimantFactory()
        _candidate(MOD, claimant=mod, kept_apart=True)
        _candidate(MOD, claimant=mod, state=CandidateState.REJECTED)
        split = _candidate(MOD_AGAIN, claimant=mod, kept_apart=True)
        assert candidates_group(split.article_id) == 0
        fresh = _candidate(MOD_AGAIN, claimant=mod)
        assert candidates_group(fresh.article_id) == 0
        assert not CandidateGroup.objects.exists()

    def test_one_report_has_one_member_per_group(self):
        mod = ClaimantFactory()
        _candidate(MOD, claimant=mod)
        article = ArticleFactory()
        _candidate(MOD_AGAIN, claimant=mod, article=article)
        _candidate("Russian forces control the mining town of Soledar", claimant=mod, article=article)
        assert candidates_group(article.pk) == 1
        assert CandidateGroup.objects.get().members.filter(article=article).count() == 1

    def test_many_candidates_of_a_report_are_grouped_in_the_same_few_queries(self, django_assert_num_queries):
        mod, malyar = ClaimantFactory(), ClaimantFactory()
        grouped_peer = _candidate(MOD, claimant=mod)
        candidates_group(_candidate(MOD_AGAIN, claimant=mod).article_id)  # a group of two already
        grouped_peer.refresh_from_db()
        lone_peer = _candidate("The battles continued in Soledar through the night", claimant=malyar)
        named_peer = _candidate("Wagner units took the salt mines", speaker="Yevgeny Prigozhin")
        article = ArticleFactory()
        joining = [
            _candidate("Russian forces control the mining town of Soledar", claimant=mod, article=article),
            _candidate("The battles continue in Soledar through the night", claimant=malyar, article=article),
            _candidate("Wagner units have taken the salt mines", speaker="Yevgeny Prigozhin", article=article),
            _candidate("Wagner units took the salt mines, all of them", speaker="Yevgeny Prigozhin", article=article),
            _candidate("Exports of grain rose in March", claimant=mod, article=article),  # nobody said it before
        ]
        # Read its own and the peers; in a savepoint: lock the peers, read which of their groups have this
        # report's member, start the two groups, put the peers in them, put the candidates in theirs.
        with django_assert_num_queries(9):
            assert candidates_group(article.pk) == 3
        got = {c.pk: c.group_id for c in Candidate.objects.filter(article=article)}
        lone_peer.refresh_from_db()
        named_peer.refresh_from_db()
        assert got[joining[0].pk] == grouped_peer.group_id
        assert got[joining[1].pk] == lone_peer.group_id is not None
        # Two of the report's candidates restate one peer: one report, one member of the group.
        assert named_peer.group_id is not None
        assert sorted([got[joining[2].pk], got[joining[3].pk]], key=lambda g: g is None) == [named_peer.group_id, None]
        assert got[joining[4].pk] is None
        assert CandidateGroup.objects.count() == 3
        assert CandidateGroup.objects.get(pk=named_peer.group_id).speaker_key == "yevgeny prigozhin"


@pytest.mark.django_db(transaction=True)
class TestCandidatesGroupAtOnce:
    """Two relate tasks at once (two connections, as two workers), both made to wait until the other waits too."""

    def test_two_reports_grouped_at_once_on_one_peer_end_in_one_group(self):
        mod = ClaimantFactory()
        peer = _candidate(MOD, claimant=mod)
        # The same words as the peer: each report's best match is the peer (the oldest of equals), not the other.
        mine = [_candidate(MOD, claimant=mod), _candidate(MOD, claimant=mod)]
        results = _group_at_once([c.article_id for c in mine], locked=[peer.pk])
        assert sorted(results) == [1, 1], results
        peer.refresh_from_db()
        assert peer.group_id is not None and CandidateGroup.objects.count() == 1
        assert set(Candidate.objects.values_list("group_id", flat=True)) == {peer.group_id}

    def test_two_reports_restating_each_other_grouped_at_once_never_deadlock(self):
        mod = ClaimantFactory()
        mine = [_candidate(MOD, claimant=mod), _candidate(MOD, claimant=mod)]  # each the other's best peer
        results = _group_at_once([c.article_id for c in mine], locked=[c.pk for c in mine])
        assert sorted(results) == [0, 1], results  # the second finds its candidate grouped by the first
        assert CandidateGroup.objects.count() == 1
        assert Candidate.objects.filter(group__isnull=False).count() == 2


def _group_at_once(article_ids: list[int], *, locked: list[int]) -> list:
    """candidates_group for each article in a thread of its own, started while this connection holds `locked`
    (the candidates they will lock), released once both wait on them. Each result, or the exception raised."""
    results: list = []

    def run(article_id: int) -> None:
        try:
            results.append(candidates_group(article_id))
        except Exception as exc:  # a deadlock would be raised here: handed to the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in article_ids]
    with transaction.atomic():
        list(Candidate.objects.select_for_update().filter(pk__in=locked))
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < len(threads):
            assert time.monotonic() < deadline, "the tasks never waited on the locked candidates"
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    return results


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first read again
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]
