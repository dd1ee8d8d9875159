"""Writes a reviewer makes on accounts: lift a login pause, set a new password. Both are logged."""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.contrib.auth.base_user import AbstractBaseUser

from claims_tracker.claims.services import NotAllowed

logger = logging.getLogger("claims_tracker.accounts")


def login_pause_lift(*, username: str | None, ip_address: str | None, by: AbstractBaseUser) -> int:
    """Forget the failed logins of one (username, address) pair; returns how many records went."""
    if not username and not ip_address:
        return 0  # axes would read "no filter" as "everything"
    removed = axes_reset(ip=ip_address, username=username)
    logger.info("login pause lifted: username=%r address=%s by user %s", username, ip_address, by.pk)
    return removed


def account_set_password(*, user: AbstractBaseUser, password: str, by: AbstractBaseUser) -> None:
    """A reviewer sets a new password (validated by the form) and lifts every pause on the name.

    Only a superuser sets a superuser's: a reviewer could otherwise take over the stronger account.
    """
    if user.is_superuser and not by.is_superuser:
        raise NotAllowed("Only a superuser can set a superuser's password.")
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.get_username())
    logger.info("password set for user %s by user %s", user.pk, by.pk)
