"""Full-text search over statement, claimant names and quotes (PostgreSQL tsvector + GIN)."""

from __future__ import annotations

import pytest
from django.db import connection

from claims_tracker.claims import selectors, services
from claims_tracker.claims.models import Claim
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory


@pytest.mark.django_db
class TestClaimSearch:
    def test_it_finds_a_claim_by_its_words_claimant_and_quote(self):
        malyar = ClaimantFactory(name="Hanna Malyar")
        claim = ClaimFactory(text="Fighting for the town continues.", claimant=malyar)
        services.appearance_add(claim=claim, article=ArticleFactory(), quote="the night in Soledar was hot")
        ClaimFactory(text="Something else entirely.")
        for query in ["fighting continues", "Malyar", "Soledar night"]:
            found = list(selectors.claim_search(Claim.objects.all(), query))
            assert found == [claim], query

    def test_it_ranks_statement_words_above_quote_words(self):
        in_text = ClaimFactory(text="Bakhmut is encircled.")
        in_quote = ClaimFactory(text="The next step is near.")
        services.appearance_add(claim=in_quote, article=ArticleFactory(), quote="advance on Bakhmut")
        found = list(selectors.claim_search(Claim.objects.all(), "Bakhmut").order_by("-rank"))
        assert found == [in_text, in_quote]

    def test_the_vector_is_stored_and_indexed(self):
        ClaimFactory(text="Soledar salt mines")
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM claims_claim")
            assert "soledar" in cursor.fetchone()[0]
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_search_gin'")
            assert "gin" in cursor.fetchone()[0].lower()

    def test_hostile_query_syntax_is_harmless(self):
        ClaimFactory(text="Soledar")
        for query in ["'", '"unclosed', "a & | ! b", "(((", "-", "Soledar:*", "\x00"]:
            list(selectors.claim_search(Claim.objects.all(), query.replace("\x00", "")))
