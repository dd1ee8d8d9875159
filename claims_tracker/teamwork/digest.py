"""The optional daily email digest: a user's unread notifications not yet emailed, in one message.

Sent through Django's email backend (the console unless EMAIL_HOST is set). At least once: the rows
are stamped `emailed_at` in the transaction that sent them, so a run that fails before its commit
sends them again next time, and a second run (or a double-fired beat) finds nothing left to send.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import EmailDigest, Notification
from .selectors import NOTIFICATION_JOINS

DIGEST_LIMIT = 100  # lines in one email; the rest wait for the next one


def digest_set(*, user, on: bool) -> bool:
    if on:
        EmailDigest.objects.get_or_create(user=user)
    else:
        EmailDigest.objects.filter(user=user).delete()
    return on


def digest_users_due() -> list[int]:
    """Users who asked for the digest and have something unread and not yet emailed."""
    pending = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    return list(
        EmailDigest.objects.filter(user__is_active=True, user__in=pending.values("user"))
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def digest_send(*, user_id: int) -> int:
    """Email one user their digest; returns how many notifications it carried (0: nothing sent)."""
    digest = EmailDigest.objects.select_related("user").filter(user_id=user_id, user__is_active=True).first()
    if digest is None or not digest.user.email:
        return 0
    rows = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(user_id=user_id, read_at__isnull=True, emailed_at__isnull=True)
        .select_related(*NOTIFICATION_JOINS)
        .order_by("created_at", "id")[:DIGEST_LIMIT]
    )
    if not rows:
        return 0
    context = {
        "user": digest.user,
        "notifications": rows,
        "site_url": settings.SITE_URL.rstrip("/"),
        "notifications_path": reverse("teamwork-notifications"),
    }
    body = render_to_string("teamwork/email/digest.txt", context)
    subject = f"{len(rows)} update{'s' if len(rows) != 1 else ''} on the claims you follow · {settings.SITE_NAME}"
    send_mail(subject, body, None, [digest.user.email])
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return len(rows)
