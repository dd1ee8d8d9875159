"""The embedded default has no pg_trgm: triage suggestions fall back to rapidfuzz over shared words."""

from __future__ import annotations

import pytest

from claims_tracker.desk.selectors import _similar_claims_portable
from tests.factories import ClaimFactory


@pytest.mark.django_db
def test_it_ranks_claims_sharing_words_by_fuzzy_score():
    close = ClaimFactory(text="Russia now controls the mining town of Soledar")
    loose = ClaimFactory(text="Soledar salt mines are deep")
    ClaimFactory(text="Wheat exports rose in March")
    sentence = "Russia now controls the mining town of Soledar in the Donbas region, the ministry said."
    words = sorted({w.lower() for w in sentence.replace(",", " ").replace(".", " ").split()})
    found = _similar_claims_portable(sentence, words, exclude=(), limit=6)
    assert [c.pk for c in found][:1] == [close.pk]
    assert all("Wheat" not in c.text for c in found)
    assert found[0].score > 0.9
    assert loose.pk not in [c.pk for c in found] or found.index(loose) > 0
