"""Writes on accounts: a reviewer lifts a login pause or sets a password; an editor turns two-step
login on or off. Each is logged."""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# Two-step login (TOTP, django-otp) ------------------------------------------------------------


def two_factor_begin(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new, unconfirmed authenticator for the setup page; an earlier unfinished one goes."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user: AbstractBaseUser, code: str) -> TOTPDevice | None:
    """Turn two-step login on once the app shows the right code; None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("two-step login on for user %s", user.pk)
    return device


def two_factor_check(*, user: AbstractBaseUser, code: str) -> TOTPDevice | None:
    """The user's authenticator if `code` is its current one (each code works once; django-otp
    slows down guessing by itself)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None or not code:
        return None
    return verify_token(user, device.persistent_id, code)


def two_factor_off(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """The owner (with a current code), or a reviewer for an editor who lost the phone."""
    if user.pk != by.pk and user.is_superuser and not by.is_superuser:
        raise NotAllowed("Only a superuser can turn off a superuser's two-step login.")
    TOTPDevice.objects.filter(user=user).delete()
    logger.info("two-step login off for user %s by user %s", user.pk, by.pk)
