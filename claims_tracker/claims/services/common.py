"""What every write shares: the errors it refuses with, the version check, slugs and required text.

`ServiceError` (and its kinds InvalidTransition, StateConflict, StaleVersion, NotAllowed) is what pages, the API and
tasks catch to answer the user with the message and the field at fault.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from claims_tracker.lib.text import normalize_whitespace


class ServiceError(Exception):
    """A write refused for a reason the user can act on. `field` names the input at fault."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(ServiceError):
    code = "invalid_transition"


class StateConflict(InvalidTransition):
    """Refused for the row's current state, not for the input: the claim is already in that state or was
    merged, a change would be dated before the last one, a candidate was already triaged. The same request
    may succeed once the row changes; the API answers 409 (the input itself was valid)."""


class StaleVersion(ServiceError):
    code = "stale_version"

    def __init__(self, message: str, *, current_version: int, field: str | None = "expected_version"):
        super().__init__(message, field=field)
        self.current_version = current_version


class NotAllowed(ServiceError):
    code = "not_allowed"


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a write made against an older version of the row (None: the caller did not ask)."""
    if expected is None:
        return
    if int(expected) != current:
        raise StaleVersion(
            f"This {what} was changed by someone else since you opened it. Nothing was saved: "
            "review the values saved now, then save again.",
            current_version=current,
        )


def unique_slug(model: Any, base: str, *, exclude_pk: int | None = None) -> str:
    """A slug for `base` that no other row of `model` has (`-2`, `-3` ... appended as needed)."""
    root = (slugify(base) or "item")[:190]
    slug, n = root, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


def _require_text(value: str, field: str, label: str) -> str:
    value = normalize_whitespace(value or "")
    if not value:
        raise ServiceError(f"{label} is required.", field=field)
    return value
