"""The story page: summary, a timeline of claims and state changes, contradictions side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, StoryFactory

URL = reverse("claims-story", args=["battle-for-soledar"])


@pytest.mark.django_db
class TestStoryDetail:
    def test_it_shows_the_timeline_newest_first(self, client, demo):
        response = client.get(URL)
        assert response.status_code == 200
        events = response.context["events"]
        assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
        kinds = [(e.kind, e.change.to_status if e.change else None) for e in events[:2]]
        assert kinds == [("changed", "confirmed"), ("changed", "disputed")]
        assert sum(1 for e in events if e.kind == "claimed") == 6
        assert "Russian and Ukrainian sides gave conflicting accounts" in response.content.decode()

    def test_it_shows_contradictions_side_by_side(self, client, demo):
        response = client.get(URL)
        pairs = [(a.claimant.slug, b.claimant.slug) for a, b, _ in response.context["pairs"]]
        assert pairs == [("russian-ministry-of-defence", "hanna-malyar")]
        assert 'class="versus"' in response.content.decode()
        assert reverse("claims-feed-story", args=["battle-for-soledar"]) in response.content.decode()

    def test_it_has_an_empty_state(self, client, db):
        story = StoryFactory()
        assert "No claims are filed under this story yet" in client.get(story.get_absolute_url()).content.decode()

    def test_its_query_count_is_constant(self, client, db, django_assert_max_num_queries):
        story = StoryFactory()
        for _ in range(30):
            ClaimFactory(stories=[story])
        with django_assert_max_num_queries(5):  # + the versions
            client.get(story.get_absolute_url())
