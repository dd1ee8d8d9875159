"""Anonymous and per-user rate limits. DRF answers 429 with `Retry-After`.

The stock classes copy the rates when DRF is imported; these read them on each request, so a
changed setting (and a test's override) takes effect at once.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        # Anonymous callers are limited by AnonThrottle alone. DRF's stock class would also count
        # them per address under the (higher) user rate: a second cache read and write on every
        # anonymous request that can never be the one to refuse it.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
