"""API test fixtures: DRF clients with and without tokens, no settle lag, generous throttles."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

FAST = {
    "anon": "100000/minute",
    "user": "100000/minute",
}


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_SYNC_SETTLE_SECONDS = 0
    # Tests write and read at once; the horizon cache has its own test (test_sync_horizon.py).
    settings.API_SYNC_HORIZON_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": FAST}
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def editor_api(editor) -> APIClient:
    return token_client(editor)


@pytest.fixture
def reviewer_api(reviewer) -> APIClient:
    return token_client(reviewer)


@pytest.fixture
def reader_api(db) -> APIClient:
    return token_client(UserFactory(username="reader"))
