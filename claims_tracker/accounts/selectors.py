"""Reads for the reviewers' accounts page: the accounts and the logins paused now."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles


def paused_logins() -> QuerySet[AccessAttempt]:
    """(username, address) pairs django-axes refuses now: at the failure limit within the cool-off."""
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def account_list() -> QuerySet:
    """Editor and reviewer accounts (and superusers), with their roles and whether two-step login is on."""
    staff = Q(is_superuser=True) | Q(groups__name__in=[roles.EDITOR_GROUP, roles.REVIEWER_GROUP])
    two_factor = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    return (
        get_user_model()
        .objects.filter(staff)
        .distinct()
        .annotate(two_factor=two_factor)
        .prefetch_related("groups")
        .order_by("username")
    )
