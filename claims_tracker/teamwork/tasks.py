"""The daily digest: a periodic fan-out, then one small task per user (ids in, the service does the rest)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import digest

log = logging.getLogger(__name__)


@shared_task(name="claims_tracker.teamwork.tasks.send_digest", ignore_result=True, soft_time_limit=60, time_limit=90)
def send_digest(user_id: int) -> int:
    sent = digest.digest_send(user_id=user_id)
    log.info("digest for user %s: %s notification(s)", user_id, sent)
    return sent


@shared_task(name="claims_tracker.teamwork.tasks.send_digests", ignore_result=True, time_limit=120)
def send_digests() -> int:
    """Enqueue one `send_digest` per user who has something to read; a double-fired beat is harmless."""
    users = digest.digest_users_due()
    for user_id in users:
        send_digest.delay(user_id)
    return len(users)
