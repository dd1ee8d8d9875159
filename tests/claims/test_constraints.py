"""Rules held by the database itself, whatever code writes the rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from claims_tracker.claims.models import Article, Claim
from claims_tracker.lib.text import content_hash
from tests.factories import ArticleFactory, ClaimFactory


@pytest.mark.django_db
class TestArticleUniqueness:
    def test_it_refuses_a_duplicate_canonical_url(self):
        ArticleFactory(canonical_url="https://news.example/a")
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(canonical_url="https://news.example/a")
        assert Article.objects.filter(canonical_url="https://news.example/a").count() == 1

    def test_it_refuses_a_duplicate_content_hash(self):
        first = ArticleFactory(text="Same words.")
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(text="  same   WORDS. ")
        assert first.content_hash == content_hash("same words.")

    def test_it_allows_many_articles_without_url_or_hash(self):
        ArticleFactory(canonical_url=None, content_hash=None)
        ArticleFactory(canonical_url=None, content_hash=None)
        ArticleFactory(canonical_url="", content_hash="")
        ArticleFactory(canonical_url="", content_hash="")
        assert Article.objects.count() == 4


def _rows():
    """One valid row in each table that has a choice column."""
    from claims_tracker.claims import services
    from claims_tracker.ingest.models import Candidate
    from tests.factories import add_evidence

    claim = ClaimFactory()
    other = ClaimFactory()
    article = ArticleFactory()
    services.appearance_add(claim=claim, article=article, quote="q")
    add_evidence(claim)
    services.claim_relate(from_claim=claim, to_claim=other, kind="contradicts")
    Candidate.objects.create(article=article, sentence="s")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("claims_claim", "status", "probably_true"),
        ("claims_appearance", "stance", "shrugs"),
        ("claims_appearance", "mode", "smoke_signal"),
        ("claims_evidence", "kind", "rumour"),
        ("claims_evidence", "stance", "maybe"),
        ("claims_outlet", "kind", "blog"),
        ("claims_claimant", "kind", "ghost"),
        ("claims_claimrelation", "kind", "rhymes_with"),
        ("claims_article", "ingest_state", "dreaming"),
        ("ingest_candidate", "state", "limbo"),
        ("ingest_candidate", "stance", "shrugs"),
    ],
)
def test_the_database_refuses_a_value_outside_the_choices(table, column, value):
    _rows()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        assert cursor.fetchone()[0] >= 1
        with pytest.raises(IntegrityError, match="check constraint"), transaction.atomic():
            cursor.execute(f"UPDATE {table} SET {column} = %s", [value])  # noqa: S608 - fixed names


@pytest.mark.django_db
def test_the_database_refuses_a_claim_merged_into_itself():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(merged_into=claim.pk)


@pytest.mark.django_db
def test_a_claim_with_history_cannot_be_deleted():
    claim = ClaimFactory()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        claim.delete()
