"""Roles: editor and reviewer are groups (created by a migration); anonymous is a reader."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import user_has_device

EDITOR_GROUP = "editor"
REVIEWER_GROUP = "reviewer"

User = AbstractBaseUser | AnonymousUser


def two_factor_pending(user: User) -> bool:
    """Signed in with a password alone while the account has a second factor (through the admin's
    login page, or a session from before it was turned on): no role until the code is given.

    OTPMiddleware sets `otp_device` on a session's user (None: not verified). A user without the
    attribute came with an API token, which is only issued against the code.
    """
    if getattr(user, "otp_device", False) is not None or not user.is_authenticated:
        return False
    if not hasattr(user, "two_factor_pending_memo"):  # one query per request, however many checks
        user.two_factor_pending_memo = user_has_device(user)
    return user.two_factor_pending_memo


def _in_group(user: User | None, name: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if two_factor_pending(user):
        return False
    if user.is_superuser:
        return True
    # One query per user object however many checks a page makes (the desk's gate, its menu), as
    # Django's own permission checks cache theirs on the user.
    if not hasattr(user, "role_names_memo"):
        user.role_names_memo = set(user.groups.values_list("name", flat=True))
    return name in user.role_names_memo


def is_reviewer(user: User | None) -> bool:
    return _in_group(user, REVIEWER_GROUP)


def is_editor(user: User | None) -> bool:
    """Reviewers can do everything an editor does."""
    return _in_group(user, EDITOR_GROUP) or is_reviewer(user)


def can_give_verdict(user: User | None) -> bool:
    if not settings.CLAIMS_VERDICT_NEEDS_REVIEWER:
        return is_editor(user)
    return is_reviewer(user)
