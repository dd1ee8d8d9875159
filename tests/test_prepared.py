"""lib/prepared.py: the validators' queries as server-side prepared statements."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from claims_tracker.lib import prepared


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def fresh_sql(template: str) -> str:
    """A statement this connection has never seen (its name is a digest of its text)."""
    return f"{template} /* {uuid.uuid4()} */"


@pytest.mark.django_db
class TestFetchOne:
    def test_it_prepares_once_and_answers_each_time_in_one_query(self, django_assert_num_queries):
        sql = fresh_sql("SELECT %s::int * 2, %s::text")
        before = prepared_names()
        for n in (1, 2, 3):
            with django_assert_num_queries(1):
                assert prepared.fetch_one(sql, [n, "x"]) == (n * 2, "x")
        assert len(prepared_names() - before) == 1

    def test_a_statement_without_parameters(self):
        assert prepared.fetch_one(fresh_sql("SELECT 41 + 1")) == (42,)
        assert prepared.fetch_one(fresh_sql("SELECT 1 WHERE false")) is None

    def test_a_failed_prepare_leaves_the_statement_unprepared_on_that_connection(self):
        sql = fresh_sql("SELECT 10 / %s::int")
        with pytest.raises(DatabaseError), transaction.atomic():
            prepared.fetch_one(sql, [0])
        before = prepared_names()
        assert prepared.fetch_one(sql, [5]) == (2,)
        assert prepared.fetch_one(sql, [2]) == (5,)
        assert prepared_names() == before

    def test_it_can_be_turned_off(self, settings):
        settings.DB_PREPARED_STATEMENTS = False
        before = prepared_names()
        assert prepared.fetch_one(fresh_sql("SELECT %s::int"), [7]) == (7,)
        assert prepared_names() == before
