"""The sync contract: everything once, then only changes; nothing missed or repeated while
others write, including a transaction that commits late with an older `updated_at`."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections, connection, transaction

from claims_tracker.claims import services
from claims_tracker.claims.models import Claim, Status
from tests.factories import ClaimantFactory, ClaimFactory, add_evidence

URL = "/api/v1/claims/sync/"


def _poll(api, cursor: str | None, *, page_size: int = 3, **params) -> tuple[list[dict], str, list[str]]:
    """Follow `next` until has_more is false; return rows, the cursor to keep, and horizons seen."""
    rows, horizons = [], []
    while True:
        query = {"page_size": page_size, **params, **({"cursor": cursor} if cursor else {})}
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        horizons.append(body["horizon"])
        assert body["next_cursor"], "the sync feed always hands back a cursor"
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return rows, cursor, horizons


@pytest.mark.django_db
class TestClaimSyncApi:
    def test_it_serves_everything_once_oldest_first_then_only_changes(self, api):
        claims = [ClaimFactory() for _ in range(7)]
        rows, cursor, _ = _poll(api, None, page_size=3)
        assert [r["id"] for r in rows] == [c.pk for c in claims]
        again, cursor, _ = _poll(api, cursor)
        assert again == []
        add_evidence(claims[2])
        changed, cursor, _ = _poll(api, cursor)
        assert [(r["id"], r["version"]) for r in changed] == [(claims[2].pk, 2)]
        assert _poll(api, cursor)[0] == []

    def test_it_starts_at_updated_since_inclusive(self, api):
        old, new = ClaimFactory(), ClaimFactory()
        Claim.objects.filter(pk=old.pk).update(updated_at=datetime(2023, 1, 1, tzinfo=UTC))
        Claim.objects.filter(pk=new.pk).update(updated_at=datetime(2023, 1, 2, tzinfo=UTC))
        rows, _, _ = _poll(api, None, updated_since="2023-01-02T00:00:00Z")
        assert [r["id"] for r in rows] == [new.pk]
        bad = api.get(URL, {"updated_since": "yesterday"})
        assert bad.status_code == 400 and "updated_since" in bad.json()["error"]["fields"]

    def test_it_answers_a_poll_with_nothing_new_with_304(self, api):
        ClaimFactory()
        _, cursor, _ = _poll(api, None)
        first = api.get(URL, {"cursor": cursor})
        assert first.json()["results"] == []
        assert api.get(URL, {"cursor": cursor}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_it_includes_merged_claims_so_clients_learn_of_merges(self, api):
        source, target = ClaimFactory(), ClaimFactory()
        _, cursor, _ = _poll(api, None)
        services.claim_merge(source_id=source.pk, target_id=target.pk)
        rows, _, _ = _poll(api, cursor)
        assert {r["id"]: r["merged_into"] for r in rows} == {source.pk: target.pk, target.pk: None}

    def test_it_holds_back_rows_newer_than_the_settle_lag(self, api, settings):
        settings.API_SYNC_SETTLE_SECONDS = 3600
        ClaimFactory()
        rows, _, _ = _poll(api, None)
        assert rows == []


def _assert_consistent(delivered: list[dict]) -> None:
    """No (id, version) twice; each claim's last delivered version is its current one."""
    pairs = [(r["id"], r["version"]) for r in delivered]
    assert len(pairs) == len(set(pairs)), "an item was repeated"
    last = {}
    for claim_id, version in pairs:
        assert version > last.get(claim_id, 0), "a version went backwards"
        last[claim_id] = version
    current = dict(Claim.objects.values_list("pk", "version"))
    assert last == current, "an item or its latest version was missed"


@pytest.mark.django_db(transaction=True)
class TestClaimSyncWhileWriting:
    def test_it_misses_nothing_when_a_transaction_commits_late_with_an_older_time(self, api, settings):
        settings.API_SYNC_SETTLE_SECONDS = 0.2
        early = ClaimFactory()
        Claim.objects.filter(pk=early.pk).update(updated_at=datetime(2023, 1, 13, tzinfo=UTC))
        holding, release, failed, stamped = threading.Event(), threading.Event(), [], []

        def slow_writer():
            try:
                with transaction.atomic():
                    # updated_at is stamped now, but the row only becomes visible at commit.
                    add_evidence(Claim.objects.get(pk=early.pk))
                    stamped.append(Claim.objects.get(pk=early.pk).updated_at)
                    holding.set()
                    release.wait(20)
            except Exception as exc:  # pragma: no cover - reported below
                failed.append(exc)
                holding.set()
            finally:
                connection.close()

        thread = threading.Thread(target=slow_writer)
        thread.start()
        assert holding.wait(10)
        later = [ClaimFactory() for _ in range(4)]  # committed, stamped after the slow write
        time.sleep(0.5)  # well past the settle lag
        first, cursor, horizons = _poll(api, None, page_size=2)
        # A plain updated_at cursor would now stand past the slow write's time and never see it;
        # the horizon waits for the open transaction instead.
        assert all(datetime.fromisoformat(h) < stamped[0] for h in horizons)
        assert all(c.updated_at > stamped[0] for c in later)
        assert [r["id"] for r in first] == [early.pk]
        release.set()
        thread.join(10)
        assert not failed
        time.sleep(0.3)
        rest, cursor, _ = _poll(api, cursor, page_size=2)
        assert [r["id"] for r in rest] == [early.pk, *[c.pk for c in later]]
        assert rest[0]["version"] == 2
        _assert_consistent(first + rest)

    def test_it_misses_and_repeats_nothing_while_others_write_during_paging(self, api, settings):
        settings.API_SYNC_SETTLE_SECONDS = 0.2
        claimant = ClaimantFactory()
        claims = [ClaimFactory(claimant=claimant) for _ in range(25)]
        stop, errors = threading.Event(), []

        def writer(seed: int):
            rng = random.Random(seed)
            try:
                while not stop.is_set():
                    action = rng.random()
                    if action < 0.3:
                        ClaimFactory(claimant=claimant)
                    else:
                        pk = rng.choice(claims).pk
                        with transaction.atomic():
                            evidence = add_evidence(Claim.objects.get(pk=pk))
                            if action > 0.8:
                                claim = Claim.objects.get(pk=pk)
                                target = Status.DISPUTED if claim.status != Status.DISPUTED else Status.UNVERIFIED
                                services.claim_change_status(
                                    claim_id=pk, to_status=target, rationale="Contested.", evidence_ids=[evidence.pk]
                                )
                            # Hold some transactions open past the settle lag, so commits land
                            # out of timestamp order.
                            stop.wait(0.5 if rng.random() < 0.15 else rng.random() * 0.05)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(3)]
        for t in threads:
            t.start()
        delivered, cursor = [], None
        try:
            for _ in range(40):  # page through repeatedly while the writers run
                rows, cursor, _ = _poll(api, cursor, page_size=4)
                delivered += rows
        finally:
            stop.set()
            for t in threads:
                t.join(20)
        assert not errors, errors
        time.sleep(0.5)
        rows, cursor, _ = _poll(api, cursor, page_size=4)
        delivered += rows
        assert len(delivered) > len(claims)
        _assert_consistent(delivered)
