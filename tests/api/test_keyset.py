"""The one keyset paginator (claims.pagination), as the API lists use it: rows after and before a
position in any keyset, ties broken by the later fields."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from claims_tracker.claims.models import Claim, Status
from claims_tracker.claims.pagination import CursorError, Keyset, page_after, walk
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
KEYSETS = [
    Keyset("t-claimed", Claim, ("claimed_at", "id"), descending=True),
    Keyset("t-status", Claim, ("status", "claimed_at", "id")),
    Keyset("t-status-down", Claim, ("status", "claimed_at", "id"), descending=True),
]


@pytest.fixture
def claims():
    rng = random.Random(15)
    made = [ClaimFactory() for _ in range(12)]
    # Few distinct values, so that positions tie on the leading fields.
    for claim in made:
        claim.status = rng.choice([Status.UNVERIFIED, Status.DISPUTED])
        claim.claimed_at = datetime(2023, 1, rng.choice([12, 13]), tzinfo=UTC)
    Claim.objects.bulk_update(made, ["status", "claimed_at"])
    return list(Claim.objects.all())


def _ordered(claims, keyset: Keyset) -> list[int]:
    rows = sorted(claims, key=lambda c: tuple(getattr(c, f) for f in keyset.fields), reverse=keyset.descending)
    return [c.pk for c in rows]


@pytest.mark.parametrize("keyset", KEYSETS, ids=lambda k: k.name)
class TestKeyset:
    def test_it_pages_forward_through_ties_to_the_exact_end(self, claims, keyset):
        seen, position = [], None
        while True:
            page = page_after(Claim.objects.all(), keyset, position=position, size=5)
            seen += [c.pk for c in page.items]
            if not page.has_more:
                break
            assert page.lookahead is not None
            position = keyset.decode(keyset.encode(keyset.position_of(page.items[-1])))[0]
        assert seen == _ordered(claims, keyset)

    def test_it_reads_before_a_position_nearest_first(self, claims, keyset):
        ordered = _ordered(claims, keyset)
        middle = Claim.objects.get(pk=ordered[7])
        rows = walk(
            [(Claim.objects.all(), False)], keyset, limit=4, start=(0, keyset.position_of(middle)), backwards=True
        )
        assert [c.pk for _, c in rows] == ordered[3:7][::-1]


class TestCursors:
    def test_it_rejects_a_cursor_of_another_list_or_of_the_wrong_types(self):
        claimed, status = KEYSETS[0], KEYSETS[1]
        cursor = claimed.encode([datetime(2023, 1, 13, tzinfo=UTC), 5])
        assert claimed.decode(cursor) == ([datetime(2023, 1, 13, tzinfo=UTC), 5], 0)
        for bad in [status.encode(["x", "2023-01-13T00:00:00+00:00", 5]), claimed.encode(["2023-01-13T00:00:00", 5])]:
            with pytest.raises(CursorError):
                claimed.decode(bad)
        with pytest.raises(CursorError):
            claimed.decode(claimed.encode([datetime(2023, 1, 13, tzinfo=UTC), True]))
        with pytest.raises(CursorError):
            claimed.decode(claimed.encode([datetime(2023, 1, 13, tzinfo=UTC), 5], tier=0))  # a tiered cursor
