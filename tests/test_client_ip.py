"""The client's address behind TRUSTED_PROXY_COUNT proxies (claims_tracker/lib/client_ip.py).

The same answer reaches the API throttles and django-axes; a real nginx in front is
tests/test_client_ip_proxy.py.
"""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory

from claims_tracker.api.throttling import AnonThrottle, LoginThrottle
from claims_tracker.lib.client_ip import client_ip


def request(remote: str = "127.0.0.1", xff: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


class TestNoProxyTrusted:
    def test_it_is_the_connections_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request("203.0.113.9")) == "203.0.113.9"

    def test_a_forwarded_for_header_changes_nothing(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


class TestBehindProxies:
    @pytest.mark.parametrize(
        ("count", "xff", "expected"),
        [
            (1, "198.51.100.7", "198.51.100.7"),
            # What the client wrote is on the left of what the proxy appended: ignored.
            (1, "1.2.3.4, 5.6.7.8, 198.51.100.7", "198.51.100.7"),
            (1, "not-an-address, 198.51.100.7", "198.51.100.7"),
            (1, "2001:db8::1", "2001:db8::1"),
            # Two proxies: a CDN appended the client, our nginx appended the CDN.
            (2, "1.2.3.4, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
        ],
    )
    def test_it_counts_trusted_entries_from_the_right(self, settings, count, xff, expected):
        settings.TRUSTED_PROXY_COUNT = count
        assert client_ip(request("10.0.0.2", xff)) == expected

    @pytest.mark.parametrize("xff", [None, "", "garbage", ","])
    def test_without_a_usable_header_it_is_the_connections_address(self, settings, xff):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request("10.0.0.2", xff)) == "10.0.0.2"

    def test_a_chain_shorter_than_the_proxies_is_not_trusted(self, settings):
        settings.TRUSTED_PROXY_COUNT = 3
        assert client_ip(request("10.0.0.2", "198.51.100.7, 192.0.2.10")) == "10.0.0.2"


class TestOneAnswerForEveryUser:
    def test_axes_and_the_throttles_read_the_same_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        plain = request("10.0.0.2", "1.2.3.4, 198.51.100.7")
        api = APIRequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
        api.user = AnonymousUser()
        assert get_client_ip_address(plain) == "198.51.100.7"
        assert AnonThrottle().get_ident(api) == LoginThrottle().get_ident(api) == "198.51.100.7"
