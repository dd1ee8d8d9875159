"""The outlet page: its reports and the claims they carried."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims_tracker.claims import services
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory


@pytest.mark.django_db
class TestOutletDetail:
    def test_it_lists_reports_and_claims(self, client, demo):
        response = client.get(reverse("claims-outlet", args=["nbc-news"]))
        assert response.status_code == 200
        assert len(response.context["claims"]) == 6
        [article] = response.context["articles"]
        assert article.claim_count == 6

    def test_its_query_count_is_constant(self, client, db, django_assert_max_num_queries):
        outlet = OutletFactory()
        for i in range(25):
            services.appearance_add(claim=ClaimFactory(), article=ArticleFactory(outlet=outlet), quote=f"q{i}")
        with django_assert_max_num_queries(5):  # + the versions
            response = client.get(outlet.get_absolute_url())
        assert len(response.context["claims"]) == 25

    def test_it_has_empty_states(self, client, db):
        outlet = OutletFactory(name="Quiet Gazette")
        html = client.get(outlet.get_absolute_url()).content.decode()
        assert "No claims have been logged from Quiet Gazette" in html
        assert "No reports from Quiet Gazette are stored yet" in html
