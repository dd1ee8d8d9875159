"""Roles: editor and reviewer are groups (created by a migration); anonymous is a reader."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EDITOR_GROUP = "editor"
REVIEWER_GROUP = "reviewer"

User = AbstractBaseUser | AnonymousUser


def _in_group(user: User | None, name: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=name).exists()


def is_reviewer(user: User | None) -> bool:
    return _in_group(user, REVIEWER_GROUP)


def is_editor(user: User | None) -> bool:
    """Reviewers can do everything an editor does."""
    return _in_group(user, EDITOR_GROUP) or is_reviewer(user)


def can_give_verdict(user: User | None) -> bool:
    if not settings.CLAIMS_VERDICT_NEEDS_REVIEWER:
        return is_editor(user)
    return is_reviewer(user)
