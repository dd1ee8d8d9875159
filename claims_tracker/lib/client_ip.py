"""The client's address: one answer for the API's throttles, the login limit and django-axes.

With TRUSTED_PROXY_COUNT = 0 (the default) nothing in front of the app is trusted and the address
is the connection's own (REMOTE_ADDR): a client's X-Forwarded-For is ignored. With N reverse
proxies in front, each appending the address it received from to X-Forwarded-For (nginx's
`$proxy_add_x_forwarded_for`), the client is the N-th entry from the right; whatever a client
wrote to the left of it changes nothing. django-ipware reads the chain: the last proxy is
REMOTE_ADDR itself, so the header holds N - 1 proxy addresses after the client's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    ip, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        # Not strict: a malformed entry the client put on the left is skipped, never lets it choose.
        strict=False,
    )
    # No header, or fewer entries than proxies: the request did not come through them all.
    return ip or remote
