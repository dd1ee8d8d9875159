"""Best match as tiers (statement matches, then claimant/quote matches, newest first in each),
and the fence that keeps a search for a rare word from walking every claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from claims_tracker.claims import selectors, services
from claims_tracker.claims.models import Claim
from claims_tracker.claims.pagination import SORTS, CursorError, decode_cursor, encode_cursor, keyset_page, tiered_page
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db
RELEVANCE = SORTS["relevance"]
T0 = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)


def _lean():
    return selectors.claim_list(annotate=False).select_related(None).only("pk", "claimed_at")


@pytest.fixture
def bakhmut():
    """Four statements name Bakhmut; three other claims only quote or are made by someone who does."""
    in_text = [ClaimFactory(text=f"Bakhmut report {i}.", claimed_at=T0 + timedelta(hours=i)) for i in range(4)]
    by_name = ClaimantFactory(name="Bakhmut City Council")
    by_claimant = [
        ClaimFactory(text=f"Water supply cut {i}.", claimant=by_name, claimed_at=T0 + timedelta(days=2, hours=i))
        for i in range(2)
    ]
    quoted = ClaimFactory(text="The next step is near.", claimed_at=T0 + timedelta(days=3))
    services.appearance_add(claim=quoted, article=ArticleFactory(), quote="an advance on Bakhmut")
    ClaimFactory(text="Nothing to do with it.")
    newest_first = lambda claims: sorted(claims, key=lambda c: (c.claimed_at, c.pk), reverse=True)  # noqa: E731
    return newest_first(in_text) + newest_first([*by_claimant, quoted])


def _all_pages(tiers, size):
    pages, page = [], tiered_page(tiers, sort=RELEVANCE, size=size)
    pages.append(page)
    while page.next_cursor:
        page = tiered_page(tiers, sort=RELEVANCE, size=size, after=page.next_cursor)
        pages.append(page)
    return pages


class TestTiers:
    def test_statement_matches_come_first_then_the_rest_newest_first(self, bakhmut):
        tiers = selectors.claim_search_tiers(_lean(), "Bakhmut")
        page = tiered_page(tiers, sort=RELEVANCE, size=50)
        assert [c.pk for c in page.items] == [c.pk for c in bakhmut]
        assert page.next_cursor is None and page.prev_cursor is None

    @pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
    def test_it_pages_across_the_tier_boundary_both_ways(self, bakhmut, size):
        tiers = selectors.claim_search_tiers(_lean(), "Bakhmut")
        pages = _all_pages(tiers, size)
        assert [c.pk for p in pages for c in p.items] == [c.pk for c in bakhmut]
        assert all(len(p.items) == size for p in pages[:-1])
        # And back from the last page to the first, through every boundary.
        back, seen = pages[-1], []
        while back.prev_cursor:
            back = tiered_page(tiers, sort=RELEVANCE, size=size, before=back.prev_cursor)
            seen = [c.pk for c in back.items] + seen
        assert seen == [c.pk for c in bakhmut][: len(seen)] and len(seen) == len(bakhmut) - len(pages[-1].items)

    def test_fenced_and_plain_reads_give_the_same_pages(self, bakhmut):
        plain = [(qs, False) for qs, _ in selectors.claim_search_tiers(_lean(), "Bakhmut")]
        fenced = [(qs, True) for qs, _ in plain]
        for size in (1, 3):
            assert [[c.pk for c in p.items] for p in _all_pages(plain, size)] == [
                [c.pk for c in p.items] for p in _all_pages(fenced, size)
            ]
        searched = selectors.claim_search(_lean(), "Bakhmut", ranked=False)
        for fence in (False, True):
            page = keyset_page(searched, sort=SORTS["claimed"], size=3, fenced=fence)
            assert [c.pk for c in page.items] == [c.pk for c in sorted(bakhmut, key=lambda c: c.claimed_at)[::-1][:3]]

    def test_a_search_with_no_words_or_no_match_is_empty(self, bakhmut):
        for query in ["zzzqqq", "the", "Bakhmut -report -water -step"]:
            page = tiered_page(selectors.claim_search_tiers(_lean(), query), sort=RELEVANCE, size=5)
            assert page.items == [] and page.next_cursor is None, query

    def test_a_tiered_cursor_must_name_a_real_tier(self):
        claim = Claim(pk=3, claimed_at=T0)
        good = encode_cursor(RELEVANCE, claim, 1)
        assert decode_cursor(RELEVANCE, good, tiers=2) == (T0, 3, 1)
        for bad in [
            encode_cursor(RELEVANCE, claim, 2),
            encode_cursor(RELEVANCE, claim, -1),
            encode_cursor(RELEVANCE, claim),
        ]:
            with pytest.raises(CursorError):
                decode_cursor(RELEVANCE, bad, tiers=2)
        with pytest.raises(CursorError):
            decode_cursor(SORTS["claimed"], good)  # a tiered cursor on a plain list


class TestSparseSearches:
    def test_words_the_statistics_do_not_list_and_or_not_phrase_are_sparse(self, bakhmut):
        selectors.search_statistics_reset()
        for query in ["zzzqqq", "Bakhmut or Kherson", "Bakhmut -report", '"Bakhmut report"', "the"]:
            assert selectors.claim_search_is_sparse(query), query

    def test_a_common_word_is_walked_along_the_date_index_once_the_statistics_know_it(self):
        Claim.objects.bulk_create(
            [Claim(text=f"Soledar line {i}", claimant=ClaimantFactory(), claimed_at=T0) for i in range(60)]
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        selectors.search_statistics_reset()
        try:
            assert not selectors.claim_search_is_sparse("Soledar")
            assert selectors.claim_search_is_sparse("Soledar zzzqqq")  # AND with a rare word
            assert selectors.claim_search_is_sparse("Soledar", page_rows=10_000)  # cheaper from the matches
        finally:
            selectors.search_statistics_reset()

    @pytest.mark.parametrize("fence", [False, True])
    def test_pages_read_with_their_rows_are_the_same_pages(self, bakhmut, fence, django_assert_num_queries):
        # The reader's list picks a page and reads its rows in one query (selectors.claim_rows_picked).
        load = selectors.claim_rows_picked

        def walk_all(tiers, size, **kw):
            pages, page = [], tiered_page(tiers, sort=RELEVANCE, size=size, **kw)
            pages.append(page)
            while page.next_cursor:
                page = tiered_page(tiers, sort=RELEVANCE, size=size, after=page.next_cursor, **kw)
                pages.append(page)
            return pages

        tiers = [(qs, fence) for qs, _ in selectors.claim_search_tiers(_lean(), "Bakhmut")]
        for size in (1, 3, 50):
            plain, loaded = walk_all(tiers, size), walk_all(tiers, size, load=load)
            assert [[c.pk for c in p.items] for p in loaded] == [[c.pk for c in p.items] for p in plain]
            assert [(p.next_cursor, p.prev_cursor) for p in loaded] == [(p.next_cursor, p.prev_cursor) for p in plain]
            back = tiered_page(tiers, sort=RELEVANCE, size=size, before=loaded[-1].prev_cursor, load=load)
            if loaded[-1].prev_cursor:
                plain_back = tiered_page(tiers, sort=RELEVANCE, size=size, before=plain[-1].prev_cursor)
                assert [c.pk for c in back.items] == [c.pk for c in plain_back.items]
        searched = selectors.claim_search(_lean(), "Bakhmut", ranked=False)
        with django_assert_num_queries(1):
            page = keyset_page(searched, sort=SORTS["claimed"], size=3, fenced=fence, load=load)
            assert [c.pk for c in page.items] == [c.pk for c in sorted(bakhmut, key=lambda c: c.claimed_at)[::-1][:3]]
            # Full rows, joined, with their facts: the template reads them without a query.
            assert all(c.text.startswith(("Bakhmut", "Water", "The next")) and c.claimant.name for c in page.items)
            assert [c.outlet_count for c in page.items] == [1, 0, 0] and not any(c.is_disputed for c in page.items)
        with pytest.raises(ValueError):
            selectors.claim_rows_picked("SELECT 1, 1", [], "DESC; DROP TABLE x")
