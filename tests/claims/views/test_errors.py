"""404 and 500 in the site's look."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from claims_tracker.claims.views import server_error


@pytest.mark.django_db
def test_it_renders_404_in_the_site_look(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "site-header" in html and "Search claims" in html


def test_it_renders_500_without_touching_the_database():
    # No db fixture: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "site-header" in html
