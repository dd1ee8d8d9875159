"""Atom feeds: all claims, state changes, per story, per claimant."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from tests.factories import ClaimFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo(db):
    from claims_tracker.claims.demo import load_demo

    load_demo()


def entries(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return root.findall(f"{ATOM}entry")


@pytest.mark.django_db
class TestFeeds:
    def test_the_claims_feed_lists_claims_with_their_state(self, client, demo):
        items = entries(client.get(reverse("claims-feed")))
        assert len(items) == 6
        titles = [e.find(f"{ATOM}title").text for e in items]
        assert "[Confirmed] Russian forces have taken control of the town of Soledar." in titles
        summary = items[0].find(f"{ATOM}summary").text
        assert "badge" in summary and "UTC" in summary

    def test_the_changes_feed_lists_changes_not_loggings(self, client, demo):
        items = entries(client.get(reverse("claims-feed-changes")))
        titles = [e.find(f"{ATOM}title").text for e in items]
        assert titles == [
            "Disputed → Confirmed: Russian forces have taken control of the town of Soledar.",
            "Unverified → Disputed: Russian forces have taken control of the town of Soledar.",
        ]
        assert "Conceded by the other side" in items[0].find(f"{ATOM}summary").text

    def test_story_and_claimant_feeds_scope_their_items(self, client, demo):
        assert len(entries(client.get(reverse("claims-feed-story", args=["battle-for-soledar"])))) == 6
        ramani = entries(client.get(reverse("claims-feed-claimant", args=["samuel-ramani"])))
        assert len(ramani) == 2
        assert all(e.find(f"{ATOM}author/{ATOM}name").text == "Samuel Ramani" for e in ramani)

    def test_unknown_story_or_claimant_is_404(self, client, db):
        assert client.get(reverse("claims-feed-story", args=["nope"])).status_code == 404
        assert client.get(reverse("claims-feed-claimant", args=["nope"])).status_code == 404

    def test_it_escapes_ingested_text(self, client, db):
        ClaimFactory(text="<script>alert(1)</script> & more")
        response = client.get(reverse("claims-feed"))
        [entry] = entries(response)
        assert entry.find(f"{ATOM}title").text == "[Unverified] <script>alert(1)</script> & more"
        assert "&lt;script&gt;" in entry.find(f"{ATOM}summary").text

    def test_pages_link_their_feeds(self, client, demo):
        html = client.get(reverse("claims-list")).content.decode()
        assert f'href="{reverse("claims-feed-changes")}"' in html
        story = client.get(reverse("claims-story", args=["battle-for-soledar"])).content.decode()
        assert 'rel="alternate" type="application/atom+xml"' in story

    def test_its_query_count_is_constant(self, client, db, django_assert_max_num_queries):
        for _ in range(30):
            ClaimFactory()
        with django_assert_max_num_queries(2):  # + the versions
            client.get(reverse("claims-feed"))
