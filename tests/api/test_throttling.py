"""Throttles: anonymous callers are counted once (by address), users by their own rate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from claims_tracker.api.throttling import AnonThrottle, UserThrottle
from tests.factories import UserFactory

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
