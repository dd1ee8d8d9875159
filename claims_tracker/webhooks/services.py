"""Webhook writes: subscribing, owing deliveries for domain events, and making one attempt.

Signature (documented in docs/api.md): the receiver gets
    X-Claims-Timestamp: <unix seconds>
    X-Claims-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
Signing the timestamp with the body lets a receiver refuse replays of an old delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims_tracker.api import queries, shapes
from claims_tracker.claims.models import Claim, StatusChange
from claims_tracker.claims.services import ServiceError
from claims_tracker.lib.backoff import backoff_seconds

from .models import Delivery, DeliveryAttempt, DeliveryState, Event, Subscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Claims-Signature"
TIMESTAMP_HEADER = "X-Claims-Timestamp"
EVENT_HEADER = "X-Claims-Event"
DELIVERY_HEADER = "X-Claims-Delivery"
SIGNATURE_TOLERANCE_SECONDS = 300
MIN_SECRET_LENGTH = 16


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (and our tests do): check the MAC in constant time and the age."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


# Subscriptions -------------------------------------------------------------------------------


def subscription_create(
    *, owner: Any, url: str, events: list[str], secret: str = "", description: str = ""
) -> Subscription:
    """Register an endpoint. An empty secret gets a generated one (returned once, by the caller)."""
    from claims_tracker.ingest.fetching import FetchError, validate_url

    url = (url or "").strip()
    try:
        validate_url(url)  # scheme, host, and (unless allowed) no private or loopback address
    except FetchError as exc:
        raise ServiceError(exc.message, field="url")
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in Event.values]
    if not events or unknown:
        raise ServiceError(f"Choose events from: {', '.join(Event.values)}.", field="events")
    secret = secret or secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET_LENGTH:
        raise ServiceError(f"The secret needs at least {MIN_SECRET_LENGTH} characters.", field="secret")
    return Subscription.objects.create(
        owner=owner, url=url, events=events, secret=secret, description=description.strip()
    )


def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


# Events -> deliveries ------------------------------------------------------------------------


def event_payload(event: str, *, claim_id: int, status_change_id: int | None = None) -> tuple[str, dict] | None:
    """(idempotency key, data) for a domain event, or None when its rows are gone. The claim and
    the status change are the API's own shapes (the presenters in `api.shapes`), with addresses
    under SITE_URL."""
    try:
        data: dict[str, Any] = {"claim": shapes.claim(queries.claim_row(claim_id), shapes.Links.at(settings.SITE_URL))}
    except Claim.DoesNotExist:
        return None
    key = f"claim:{claim_id}"
    if status_change_id is not None:
        found = StatusChange.objects.select_related("changed_by").prefetch_related("evidence")
        change = found.filter(pk=status_change_id).first()
        if change is None:
            return None
        key = f"status-change:{change.pk}"
        data["status_change"] = shapes.status_change(change)
    return key, data


def _subscribed_to(event: str) -> list[Subscription]:
    return list(Subscription.objects.filter(active=True, events__contains=[event]))  # JSON containment


def deliveries_create(*, event: str, claim_id: int, status_change_id: int | None = None) -> list[Delivery]:
    """One delivery per active subscription that wants `event`; enqueued once the rows commit."""
    from .tasks import deliver_webhook

    subscriptions = _subscribed_to(event)
    if not subscriptions:
        return []
    found = event_payload(event, claim_id=claim_id, status_change_id=status_change_id)
    if found is None:
        return []
    key, data = found
    created = []
    with transaction.atomic():
        for sub in subscriptions:
            delivery, is_new = Delivery.objects.get_or_create(
                subscription=sub,
                event=event,
                payload_key=key,
                defaults={"payload": {}, "next_attempt_at": timezone.now()},
            )
            if is_new:
                delivery.payload = {
                    "id": str(delivery.event_id),
                    "event": event,
                    "created_at": delivery.created_at.isoformat(),
                    "data": data,
                }
                delivery.save(update_fields=["payload"])
                created.append(delivery)
        for delivery in created:
            # Robust: a broker that is down must not fail the status change that caused the event. The delivery is
            # stored pending; `deliver_due_webhooks` (beat) sends it once the broker is back.
            transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk), robust=True)
    return created


# One attempt ---------------------------------------------------------------------------------


@dataclass
class AttemptOutcome:
    ok: bool
    retry_in: float | None = None  # seconds until the next attempt, None when finished


def retry_delay(attempt: int) -> float:
    """Seconds before delivery attempt `attempt + 1` (attempts count from 1)."""
    return backoff_seconds(
        base=settings.WEBHOOKS_RETRY_BASE_SECONDS, attempt=attempt - 1, cap=settings.WEBHOOKS_RETRY_MAX_SECONDS
    )


def _lease(delivery_id: int) -> Delivery | None:
    """Claim the delivery with a conditional UPDATE: 0 rows means done, or another worker has it."""
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS + 60)
    claimed = Delivery.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now), pk=delivery_id, state=DeliveryState.PENDING
    ).update(leased_until=now + lease, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int) -> AttemptOutcome | None:
    """POST the delivery once through the safe HTTP client and record what happened."""
    from claims_tracker.ingest.fetching import FetchError, safe_fetch

    delivery = _lease(delivery_id)
    if delivery is None:
        return None
    sub = delivery.subscription
    started, clock = timezone.now(), time.monotonic()
    status: int | None = None
    error, excerpt, transient = "", "", True
    if not sub.active:
        error, transient = "The subscription is disabled.", False
    else:
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.event_id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(sub.secret, timestamp, body),
        }
        try:
            result = safe_fetch(
                sub.url,
                method="POST",
                headers=headers,
                body=body,
                max_bytes=64 * 1024,
                deadline=settings.WEBHOOKS_TIMEOUT_SECONDS,
                accept_statuses=tuple(range(300, 600)),
            )
            status = result.status
            excerpt = result.body[:500].decode("utf-8", "replace")
            if not 200 <= status < 300:
                error = f"The receiver answered HTTP {status}."
        except FetchError as exc:
            error, transient = exc.message, exc.transient
            status = getattr(exc, "status", None)
    ok = not error
    return _record(delivery, ok=ok, status=status, error=error, excerpt=excerpt, transient=transient,
                   started=started, duration=time.monotonic() - clock)  # fmt: skip


def _record(delivery: Delivery, *, ok: bool, status: int | None, error: str, excerpt: str, transient: bool,
            started: Any, duration: float) -> AttemptOutcome:  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            duration_ms=int(duration * 1000),
            status=status,
            ok=ok,
            error=error[:2000],
            response_excerpt=excerpt,
        )
        sub = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.last_status, delivery.last_error, delivery.leased_until = status, error[:2000], None
        if ok:
            delivery.state, delivery.finished_at = DeliveryState.SUCCEEDED, now
            sub.consecutive_failures = 0
            outcome = AttemptOutcome(ok=True)
        else:
            sub.consecutive_failures += 1
            if sub.active and sub.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER:
                sub.active, sub.disabled_at = False, now
                sub.disabled_reason = f"Disabled after {sub.consecutive_failures} failed attempts in a row: {error}"
                logger.warning("webhook subscription %s disabled: %s", sub.pk, error)
            if transient and sub.active and delivery.attempts < settings.WEBHOOKS_MAX_ATTEMPTS:
                delay = retry_delay(delivery.attempts)
                delivery.next_attempt_at = now + timedelta(seconds=delay)
                outcome = AttemptOutcome(ok=False, retry_in=delay)
            else:
                delivery.state, delivery.finished_at = DeliveryState.FAILED, now
                outcome = AttemptOutcome(ok=False)
        delivery.save(
            update_fields=["state", "finished_at", "last_status", "last_error", "leased_until", "next_attempt_at"]
        )
        sub.save(update_fields=["consecutive_failures", "active", "disabled_at", "disabled_reason", "updated_at"])
    return outcome


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come and that no worker holds (lost or eager retries)."""
    now = timezone.now()
    return list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
