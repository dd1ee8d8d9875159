"""The seed acceptance case on the desk: with the demo loaded, the seed report pasted in proposes each restated
claim's demo claim as the first suggestion on its triage page, with the reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims.demo import CLAIMS, load_demo
from claims_tracker.claims.models import Article, Claim
from claims_tracker.ingest.models import Candidate
from claims_tracker.ingest.services import reset_matcher_cache
from tests.ingest.pages import seed_text

# (claimant slug, words of the statement found) -> the demo claim it restates (demo.CLAIMS key)
RESTATED = [
    ("russian-ministry-of-defence", "Russia now controls the mining town", "mod"),
    ("igor-konashenkov", "the liberation of the city of Soledar", "mod"),
    ("ukrainian-officials", "Russian claims of progress", "mod"),
    ("yevgeny-prigozhin", "sole charge of the town", "prigozhin"),
    ("yevgeny-prigozhin", "victory in Soledar", "prigozhin"),
    ("hanna-malyar", "the battles continued", "malyar"),
    ("pavlo-kyrylenko", "500 people remained", "kyrylenko"),
    ("samuel-ramani", "network of tunnels", "tunnels"),
    ("samuel-ramani", "advance on Bakhmut", "bakhmut"),
]


@pytest.fixture
def pasted(editor_client, django_capture_on_commit_callbacks) -> Article:
    load_demo()
    reset_matcher_cache()  # the worker's matcher may hold the claimants of an earlier test's rolled-back demo
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("desk-report-add"), {"t-text": seed_text(), "t-title": "Soledar"})
    assert response.status_code == 302
    return Article.objects.get(title="Soledar")


def _demo_claim(key: str) -> Claim:
    text = next(c.text for c in CLAIMS if c.key == key)
    return Claim.objects.get(text=text)


class TestSeedSuggestions:
    @pytest.mark.parametrize(("slug", "words", "key"), RESTATED)
    def test_its_demo_claim_comes_first(self, editor_client, pasted, slug, words, key):
        candidate = Candidate.objects.get(article=pasted, claimant__slug=slug, statement__contains=words)
        response = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
        assert response.status_code == 200
        first = response.context["suggestions"][0]
        assert first.claim == _demo_claim(key)
        assert first.score >= 0.4
        html = response.content.decode()
        assert first.reasons[0].label in html

    def test_the_reasons_name_claimant_places_words_and_quote(self, editor_client, pasted):
        candidate = Candidate.objects.get(article=pasted, claimant__slug="russian-ministry-of-defence")
        first = editor_client.get(reverse("desk-triage", args=[candidate.pk])).context["suggestions"][0]
        codes = {r.code for r in first.reasons}
        assert {"claimant", "places", "words", "quote"} <= codes
        assert "places: Soledar" in [r.label for r in first.reasons]

    def test_its_first_suggestion_beats_the_rest_by_a_margin(self, editor_client, pasted):
        """The ranking is not a coin toss: the right claim leads the next one clearly."""
        for slug, words, _key in RESTATED:
            candidate = Candidate.objects.get(article=pasted, claimant__slug=slug, statement__contains=words)
            page = editor_client.get(reverse("desk-triage", args=[candidate.pk]))
            scores = [m.score for m in page.context["suggestions"]]
            runner_up = scores[1] if len(scores) > 1 else 0.0
            assert scores[0] - runner_up >= 0.1, (slug, words, scores)
