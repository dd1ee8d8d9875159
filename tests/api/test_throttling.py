"""Throttles: anonymous callers are counted once (by address), users by their own rate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from claims_tracker.api.throttling import AnonThrottle, UserThrottle
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = APIRequestFactory().get("/api/v1/claims/")
    request.user = user
    return request


class TestThrottleKeys:
    def test_it_leaves_anonymous_callers_to_the_anonymous_rate(self):
        anonymous = _request(AnonymousUser())
        assert UserThrottle().get_cache_key(anonymous, None) is None
        assert AnonThrottle().get_cache_key(anonymous, None) is not None

    def test_it_counts_users_by_their_own_key(self):
        user = UserFactory()
        request = _request(user)
        assert UserThrottle().get_cache_key(request, None) == f"throttle_user_{user.pk}"
        assert AnonThrottle().get_cache_key(request, None) is None


def _rates(settings, anon: str, user: str = "100/minute") -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}


CONDITIONAL_URLS = [
    "/api/v1/claims/",
    "/api/v1/claims/{claim}/",
    "/api/v1/claims/{claim}/claimreview",
    "/api/v1/claimreview.jsonld",
    "/api/v1/outlets/",
    "/api/v1/claimants/{claimant}/",
]


class TestConditionalRequestsAndThrottling:
    """A 304 does not count against the rate limit; a conditional request answered in full does."""

    @pytest.mark.parametrize("template", CONDITIONAL_URLS)
    def test_a_304_is_not_counted(self, api, settings, template):
        claim = ClaimFactory()
        url = template.format(claim=claim.pk, claimant=claim.claimant.slug)
        _rates(settings, "2/minute")
        first = api.get(url)
        assert first.status_code == 200
        for _ in range(5):
            assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert api.get(url).status_code == 200  # the second counted request
        refused = api.get(url)
        assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60

    @pytest.mark.parametrize("template", CONDITIONAL_URLS)
    def test_a_stale_validator_is_counted_and_refused_past_the_rate(self, api, settings, template):
        claim = ClaimFactory()
        url = template.format(claim=claim.pk, claimant=claim.claimant.slug)
        _rates(settings, "1/minute")
        assert api.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
        refused = api.get(url, HTTP_IF_NONE_MATCH='"stale"')
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
        assert "Retry-After" in refused

    def test_an_error_before_the_validator_is_still_counted(self, api, settings):
        _rates(settings, "1/minute")
        assert api.get("/api/v1/claims/999999/", HTTP_IF_NONE_MATCH='"x"').status_code == 404
        assert api.get("/api/v1/claims/999999/", HTTP_IF_NONE_MATCH='"x"').status_code == 429
        assert api.get("/api/v1/claims/?status=nonsense", HTTP_IF_NONE_MATCH='"x"').status_code == 429

    def test_a_conditional_request_still_needs_valid_credentials(self, api, settings):
        first = api.get("/api/v1/claims/")
        api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        response = api.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 401 and response.json()["error"]["code"]

    def test_a_304_has_no_body_whatever_the_client_accepts(self, api):
        first = api.get("/api/v1/claims/")
        for accept in ("text/html", "application/xml", "application/json"):
            response = api.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_ACCEPT=accept)
            assert response.status_code == 304 and response.content == b""
            assert response["ETag"] == first["ETag"]
