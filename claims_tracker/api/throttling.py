"""Rate limits, each counted per client address as `lib.client_ip` finds it behind the proxies.

DRF answers 429 with `Retry-After`. The stock classes copy the rates when DRF is imported; these
read them on each request, so a changed setting (and a test's override) takes effect at once.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from claims_tracker.lib.client_ip import client_ip


class _Rates:
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        # DRF's own reads X-Forwarded-For as the client sent it (NUM_PROXIES aside): a rotating header
        # would make every request a new client.
        return client_ip(request)


class AnonThrottle(_Rates, AnonRateThrottle):
    pass


class UserThrottle(_Rates, UserRateThrottle):
    def get_cache_key(self, request, view) -> str | None:
        # Anonymous callers are limited by AnonThrottle alone. DRF's stock class would also count
        # them per address under the (higher) user rate: a second cache read and write on every
        # anonymous request that can never be the one to refuse it.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class LoginThrottle(_Rates, SimpleRateThrottle):
    """Login attempts per address, the web form's and the token endpoint's together. It slows one
    address guessing across many usernames without locking any account (axes locks username and
    address pairs). Also called by the login page, a plain Django view: it reads only `META`."""

    scope = "login"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
