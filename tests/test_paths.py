"""lib/paths.reverse_one: the same path as reverse(), for every kind of argument and script prefix."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from claims_tracker.lib.paths import reverse_one

INT_URLS = ["claims-detail", "claims-card", "claims-article"]
SLUG_URLS = ["claims-claimant", "claims-story", "claims-outlet", "claims-feed-claimant"]


@pytest.fixture
def prefixed():
    set_script_prefix("/newsroom/")
    yield
    clear_script_prefix()


@pytest.mark.parametrize("name", INT_URLS)
@pytest.mark.parametrize("arg", [0, 7, 12345678901234567890, 987_654_321_987_654_321])
def test_it_matches_reverse_for_ids(name, arg):
    assert reverse_one(name, arg) == reverse(name, args=[arg])


@pytest.mark.parametrize("name", SLUG_URLS)
@pytest.mark.parametrize("arg", ["soledar", "hanna-malyar_2", "42", "zq-stand-in-zq", 42])
def test_it_matches_reverse_for_slugs(name, arg):
    assert reverse_one(name, arg) == reverse(name, args=[arg])


def test_it_follows_the_script_prefix(prefixed):
    assert reverse_one("claims-detail", 5) == "/newsroom/claims/5/" == reverse("claims-detail", args=[5])
    assert reverse_one("claims-claimant", "a-b") == "/newsroom/claimants/a-b/"


def test_it_leaves_what_the_stand_in_cannot_speak_for_to_reverse():
    # An id given as text reaches the int URL through reverse(), as it would have.
    assert reverse_one("claims-detail", "12") == "/claims/12/"
    refused = [
        ("claims-detail", -1),
        ("claims-detail", None),
        ("claims-detail", "x"),
        ("claims-claimant", "a b"),
        ("claims-claimant", "ünï"),
        ("claims-claimant", ""),
        ("claims-list", 3),
        ("no-such-url", 1),
    ]
    for name, arg in refused:
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[arg])
        with pytest.raises(NoReverseMatch):
            reverse_one(name, arg)
