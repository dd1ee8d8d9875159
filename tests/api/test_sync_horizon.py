"""The sync horizon's short-lived cache: reused within its lifetime, never newer than the truth."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims_tracker.api import queries
from claims_tracker.claims.models import Claim, Claimant
from claims_tracker.lib import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.forget("api:sync-horizon")
    yield
    cache.forget("api:sync-horizon")


class TestSyncHorizonCache:
    def test_it_reuses_the_horizon_for_its_lifetime_then_asks_again(self, settings):
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 0.3
        with CaptureQueriesContext(connection) as ctx:
            first = queries.sync_horizon()
            again = queries.sync_horizon()
        assert len(ctx.captured_queries) == 1 and again == first
        time.sleep(0.35)
        with CaptureQueriesContext(connection) as ctx:
            later = queries.sync_horizon()
        assert len(ctx.captured_queries) == 1 and later > first

    def test_it_applies_a_changed_settle_time_to_a_cached_value(self, settings):
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 60
        settings.API_SYNC_SETTLE_SECONDS = 0
        unsettled = queries.sync_horizon()
        settings.API_SYNC_SETTLE_SECONDS = 5
        assert queries.sync_horizon() == unsettled - timedelta(seconds=5)

    def test_it_is_shared_with_the_last_modified_query(self, settings):
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 60
        horizon = queries.sync_horizon()
        with CaptureQueriesContext(connection) as ctx:
            _, _, cached = queries.latest_and_horizon([Claim, Claimant])
        assert cached == horizon and "pg_stat_activity" not in ctx.captured_queries[0]["sql"]

    def test_it_asks_every_time_when_turned_off(self, settings):
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 0
        with CaptureQueriesContext(connection) as ctx:
            queries.sync_horizon()
            queries.latest_and_horizon([Claim])
        assert all("pg_stat_activity" in q["sql"] for q in ctx.captured_queries)
