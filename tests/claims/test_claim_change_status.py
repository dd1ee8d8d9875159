"""claim_change_status: the table of confirmation states, append-only history, optimistic locking."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from claims_tracker.claims import services
from claims_tracker.claims.models import AppendOnlyError, Claim, EvidenceStance, Status, StatusChange
from claims_tracker.claims.selectors import claim_status_as_of
from claims_tracker.claims.services import InvalidTransition
from tests.factories import ClaimFactory, UserFactory, add_evidence

ALL = [s.value for s in Status]
NEEDS_EVIDENCE = {"partly_confirmed", "confirmed", "refuted", "retracted"}
SUPPORTING = {"confirmed": EvidenceStance.SUPPORTS, "refuted": EvidenceStance.CONTRADICTS}


def _claim_in(status: str) -> Claim:
    """A claim brought to `status` through the service, with evidence of both stances on file."""
    claim = ClaimFactory()
    supports = add_evidence(claim, EvidenceStance.SUPPORTS)
    contradicts = add_evidence(claim, EvidenceStance.CONTRADICTS)
    if status != Status.UNVERIFIED:
        services.claim_change_status(
            claim_id=claim.pk, to_status=status, rationale="Setting up.", evidence_ids=[supports.pk, contradicts.pk]
        )
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
class TestTransitionTable:
    @pytest.mark.parametrize(("from_status", "to_status"), [p for p in itertools.product(ALL, ALL) if p[0] != p[1]])
    def test_it_allows_every_move_with_what_the_target_needs(self, from_status, to_status):
        claim = _claim_in(from_status)
        evidence = claim.evidence.filter(stance=SUPPORTING.get(to_status, EvidenceStance.SUPPORTS)).first()
        ids = [evidence.pk] if to_status in NEEDS_EVIDENCE else []
        change = services.claim_change_status(
            claim_id=claim.pk, to_status=to_status, rationale="Because of the record.", evidence_ids=ids
        )
        claim.refresh_from_db()
        assert (change.from_status, change.to_status) == (from_status, to_status)
        assert claim.status == to_status == claim.status_changes.latest().to_status

    @pytest.mark.parametrize("to_status", sorted(NEEDS_EVIDENCE))
    def test_it_refuses_a_verdict_without_evidence(self, to_status):
        claim = _claim_in(Status.DISPUTED)
        version = claim.version
        with pytest.raises(services.InvalidTransition) as err:
            services.claim_change_status(claim_id=claim.pk, to_status=to_status, rationale="Sure of it.")
        assert err.value.field == "evidence"
        claim.refresh_from_db()
        assert (claim.status, claim.version) == (Status.DISPUTED, version)
        assert claim.status_changes.count() == 2

    @pytest.mark.parametrize("to_status", ALL)
    def test_it_refuses_a_change_without_rationale(self, to_status):
        claim = _claim_in(Status.DISPUTED if to_status == Status.UNVERIFIED else Status.UNVERIFIED)
        ids = list(claim.evidence.values_list("pk", flat=True))
        with pytest.raises(services.InvalidTransition) as err:
            services.claim_change_status(claim_id=claim.pk, to_status=to_status, rationale="   ", evidence_ids=ids)
        assert err.value.field == "rationale"

    @pytest.mark.parametrize("status", ALL)
    def test_it_refuses_a_move_to_the_same_state(self, status):
        claim = _claim_in(status)
        ids = list(claim.evidence.values_list("pk", flat=True))
        with pytest.raises(services.InvalidTransition, match="already"):
            services.claim_change_status(claim_id=claim.pk, to_status=status, rationale="Again.", evidence_ids=ids)

    def test_it_refuses_confirmed_on_contradicting_evidence_only(self):
        claim = ClaimFactory()
        contradicts = add_evidence(claim, EvidenceStance.CONTRADICTS)
        with pytest.raises(services.InvalidTransition, match="supports"):
            services.claim_change_status(
                claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="x", evidence_ids=[contradicts.pk]
            )

    def test_it_refuses_refuted_on_supporting_evidence_only(self):
        claim = ClaimFactory()
        supports = add_evidence(claim, EvidenceStance.SUPPORTS)
        with pytest.raises(services.InvalidTransition, match="contradicts"):
            services.claim_change_status(
                claim_id=claim.pk, to_status=Status.REFUTED, rationale="x", evidence_ids=[supports.pk]
            )

    def test_it_refuses_evidence_of_another_claim(self):
        claim, other = ClaimFactory(), ClaimFactory()
        foreign = add_evidence(other)
        with pytest.raises(services.InvalidTransition, match="belong"):
            services.claim_change_status(
                claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="x", evidence_ids=[foreign.pk]
            )

    def test_it_refuses_an_unknown_state(self):
        claim = ClaimFactory()
        with pytest.raises(services.InvalidTransition, match="Unknown"):
            services.claim_change_status(claim_id=claim.pk, to_status="probably", rationale="x")

    def test_it_refuses_a_change_dated_before_the_last_one(self):
        claim = ClaimFactory(claimed_at=timezone.now())
        with pytest.raises(services.InvalidTransition, match="before"):
            services.claim_change_status(
                claim_id=claim.pk,
                to_status=Status.DISPUTED,
                rationale="x",
                changed_at=timezone.now() - timedelta(days=3),
            )

    def test_it_records_evidence_and_author_on_the_change(self):
        user = UserFactory(groups=["editor"])
        claim = ClaimFactory()
        evidence = add_evidence(claim)
        change = services.claim_change_status(
            claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="Conceded.", evidence_ids=[evidence.pk], user=user
        )
        claim.refresh_from_db()
        assert list(change.evidence.all()) == [evidence]
        assert claim.status_changed_by == user and claim.status_changed_at == change.changed_at


@pytest.mark.django_db
class TestReviewerSetting:
    def test_it_lets_an_editor_confirm_when_the_setting_is_off(self, settings, editor):
        settings.CLAIMS_VERDICT_NEEDS_REVIEWER = False
        claim = _claim_in(Status.UNVERIFIED)
        ev = claim.evidence.filter(stance=EvidenceStance.SUPPORTS).first()
        change = services.claim_change_status(
            claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="x", evidence_ids=[ev.pk], user=editor
        )
        claim.refresh_from_db()
        assert claim.status == Status.CONFIRMED
        assert (change.to_status, change.changed_by) == (Status.CONFIRMED, editor)

    @pytest.mark.parametrize("to_status", ["confirmed", "refuted", "partly_confirmed"])
    def test_it_keeps_verdicts_for_reviewers_when_the_setting_is_on(self, settings, editor, reviewer, to_status):
        settings.CLAIMS_VERDICT_NEEDS_REVIEWER = True
        claim = _claim_in(Status.UNVERIFIED)
        ids = list(claim.evidence.values_list("pk", flat=True))
        with pytest.raises(services.NotAllowed):
            services.claim_change_status(
                claim_id=claim.pk, to_status=to_status, rationale="x", evidence_ids=ids, user=editor
            )
        assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED  # the refused change left nothing
        services.claim_change_status(
            claim_id=claim.pk, to_status=to_status, rationale="x", evidence_ids=ids, user=reviewer
        )
        assert Claim.objects.get(pk=claim.pk).status == to_status

    def test_it_still_lets_an_editor_dispute_when_the_setting_is_on(self, settings, editor):
        settings.CLAIMS_VERDICT_NEEDS_REVIEWER = True
        claim = ClaimFactory()
        change = services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="x", user=editor)
        claim.refresh_from_db()
        assert claim.status == Status.DISPUTED
        assert (change.to_status, change.changed_by) == (Status.DISPUTED, editor)


@pytest.mark.django_db
class TestAppendOnlyHistory:
    def test_it_refuses_to_save_an_existing_change(self):
        change = ClaimFactory().status_changes.get()
        change.rationale = "rewritten"
        with pytest.raises(AppendOnlyError):
            change.save()

    def test_it_refuses_to_delete_a_change(self):
        change = ClaimFactory().status_changes.get()
        with pytest.raises(AppendOnlyError):
            change.delete()

    def test_the_database_refuses_a_queryset_update(self):
        claim = ClaimFactory()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            StatusChange.objects.filter(claim=claim).update(rationale="rewritten")
        assert claim.status_changes.get().rationale != "rewritten"

    def test_the_database_refuses_a_queryset_delete(self):
        claim = ClaimFactory()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            StatusChange.objects.filter(claim=claim)._raw_delete(connection.alias)
        assert claim.status_changes.count() == 1

    def test_the_database_refuses_raw_sql(self):
        claim = ClaimFactory()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE claims_statuschange SET to_status = 'confirmed' WHERE claim_id = %s", [claim.pk])
        assert claim.status_changes.get().to_status == Status.UNVERIFIED

    def test_it_refuses_to_unlink_cited_evidence(self):
        claim = ClaimFactory()
        evidence = add_evidence(claim)
        services.claim_change_status(
            claim_id=claim.pk, to_status=Status.CONFIRMED, rationale="x", evidence_ids=[evidence.pk]
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            evidence.delete()
        assert claim.status_changes.latest().evidence.count() == 1


@pytest.mark.django_db
class TestOptimisticLocking:
    def test_it_refuses_a_stale_version_and_writes_nothing(self):
        claim = ClaimFactory()
        services.claim_change_status(
            claim_id=claim.pk, to_status=Status.DISPUTED, rationale="x", expected_version=claim.version
        )
        with pytest.raises(services.StaleVersion) as err:
            services.claim_change_status(
                claim_id=claim.pk, to_status=Status.UNVERIFIABLE, rationale="y", expected_version=claim.version
            )
        assert err.value.current_version == claim.version + 1
        claim.refresh_from_db()
        assert claim.status == Status.DISPUTED and claim.status_changes.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_changes_from_the_same_version_write_one():
    """Two database connections race from the same version: one change lands, one clear error."""
    claim = ClaimFactory()
    version = claim.version
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def attempt(name: str, to_status: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[name] = services.claim_change_status(
                claim_id=claim.pk, to_status=to_status, rationale=f"{name} says so", expected_version=version
            )
        except Exception as exc:  # recorded and asserted below
            results[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("a", Status.DISPUTED)),
        threading.Thread(target=attempt, args=("b", Status.UNVERIFIABLE)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["StaleVersion", "StatusChange"], results
    claim.refresh_from_db()
    assert claim.status_changes.count() == 2
    assert claim.status == claim.status_changes.latest().to_status
    assert claim.version == version + 1


@pytest.mark.django_db
class TestStatusAsOf:
    def test_it_answers_from_history(self):
        t0 = timezone.now() - timedelta(days=30)
        claim = ClaimFactory(claimed_at=t0)
        evidence = add_evidence(claim)
        services.claim_change_status(
            claim_id=claim.pk, to_status=Status.DISPUTED, rationale="x", changed_at=t0 + timedelta(days=1)
        )
        services.claim_change_status(
            claim_id=claim.pk,
            to_status=Status.CONFIRMED,
            rationale="y",
            evidence_ids=[evidence.pk],
            changed_at=t0 + timedelta(days=12),
        )
        assert claim_status_as_of(claim=claim, when=t0 - timedelta(days=1)) is None
        assert claim_status_as_of(claim=claim, when=t0 + timedelta(hours=1)).to_status == Status.UNVERIFIED
        assert claim_status_as_of(claim=claim, when=t0 + timedelta(days=5)).to_status == Status.DISPUTED
        assert claim_status_as_of(claim=claim, when=t0 + timedelta(days=12)).to_status == Status.CONFIRMED
        assert claim_status_as_of(claim=claim, when=timezone.now()).to_status == Status.CONFIRMED


@pytest.mark.django_db
class TestChangedAtBound:
    """Issue #22 what broke 8: a change dated 9999-12-31 was accepted and froze the claim."""

    def test_it_refuses_a_change_dated_in_the_far_future_and_writes_nothing(self):
        claim = ClaimFactory()
        with pytest.raises(InvalidTransition, match="in the future") as caught:
            services.claim_change_status(
                claim_id=claim.pk,
                to_status=Status.DISPUTED,
                rationale="x",
                changed_at=datetime(9999, 12, 31, tzinfo=UTC),
            )
        assert caught.value.field == "changed_at"
        claim.refresh_from_db()
        assert claim.status == Status.UNVERIFIED and claim.status_changes.count() == 1
        services.claim_change_status(claim_id=claim.pk, to_status=Status.DISPUTED, rationale="later, as usual")

    def test_it_accepts_a_clock_running_ahead_within_the_skew(self, settings):
        settings.CLAIMS_CHANGED_AT_MAX_SKEW_SECONDS = 300
        claim = ClaimFactory()
        ahead = timezone.now() + timedelta(seconds=200)
        change = services.claim_change_status(
            claim_id=claim.pk, to_status=Status.DISPUTED, rationale="x", changed_at=ahead
        )
        assert change.changed_at == ahead
        with pytest.raises(InvalidTransition, match="in the future"):
            services.claim_change_status(
                claim_id=claim.pk,
                to_status=Status.UNVERIFIED,
                rationale="y",
                changed_at=timezone.now() + timedelta(seconds=400),
            )
