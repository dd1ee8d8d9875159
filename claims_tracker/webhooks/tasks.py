"""Webhook delivery tasks: ids in, one attempt through the service, the retry scheduled."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import services

log = logging.getLogger(__name__)


@shared_task(
    name="claims_tracker.webhooks.tasks.deliver_webhook",
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt a delivery once; on a transient failure enqueue the next attempt after the backoff.

    The lease in `delivery_attempt` makes a duplicate or redelivered message a no-op. In eager
    mode (tests, no broker) the retry is left to `deliver_due_webhooks` rather than recursing now.
    """
    outcome = services.delivery_attempt(delivery_id=delivery_id)
    if outcome is None:
        log.info("webhook delivery %s: nothing to do (done or held by another worker)", delivery_id)
        return
    log.info("webhook delivery %s: ok=%s retry_in=%s", delivery_id, outcome.ok, outcome.retry_in)
    if outcome.retry_in is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        deliver_webhook.apply_async((delivery_id,), countdown=outcome.retry_in)


@shared_task(name="claims_tracker.webhooks.tasks.deliver_due_webhooks", ignore_result=True, time_limit=120)
def deliver_due_webhooks() -> int:
    """Periodic safety net: enqueue pending deliveries whose retry time has passed (a lost message)."""
    due = services.deliveries_due()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)
