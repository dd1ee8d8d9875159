"""`reverse()` for a URL that takes one id or slug, without resolving the URLconf on every call.

Lists link every row to its claim and its claimant: sixty `reverse()` calls a page, each some 20 µs
of walking the resolver's patterns. The path of `name` only changes where the argument goes, so
its two halves around the argument are found once (by reversing with a stand-in value) and kept
per URL name, URLconf and script prefix. Anything the stand-in cannot speak for (a negative number, a slug
with characters the `slug` converter refuses) goes to `reverse()` itself, errors included.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Stand-ins no real id or slug is; each matches its converter (int, slug) and needs no quoting.
_INT_STAND_IN = 987_654_321_987_654_321
_SLUG_STAND_IN = "zq-stand-in-zq"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # django.urls.converters.SlugConverter.regex, nothing to quote


@lru_cache(maxsize=128)
def _halves(name: str, urlconf: str, prefix: str, stand_in: int | str) -> tuple[str, str] | None:
    try:
        path = reverse(name, urlconf=urlconf, args=[stand_in])  # reverse() reads the same script prefix
    except NoReverseMatch:
        return None  # not a URL of one such argument: reverse() answers for it
    before, found, after = path.partition(str(stand_in))
    if not found or str(stand_in) in after:
        return None  # the pattern shows the value more than once, or changed it: leave it to reverse()
    return before, after


def reverse_one(name: str, arg: int | str) -> str:
    """`reverse(name, args=[arg])` for a URL of one `int` or `slug` argument."""
    if isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0:
        stand_in: int | str | None = _INT_STAND_IN
    elif isinstance(arg, str) and _PLAIN_SLUG.fullmatch(arg):
        stand_in = _SLUG_STAND_IN
    else:
        stand_in = None
    halves = None
    if stand_in is not None:
        halves = _halves(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), stand_in)
    if halves is None:
        return reverse(name, args=[arg])
    return f"{halves[0]}{arg}{halves[1]}"
