"""Webhook subscriptions, the deliveries owed to them, and every attempt at each delivery."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    CLAIM_CREATED = "claim.created", "Claim created"
    STATUS_CHANGED = "status.changed", "Status changed"


class Subscription(models.Model):
    """A client's endpoint: where to POST which events, and the secret that signs them."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(max_length=2000, help_text="Where events are POSTed (http or https).")
    secret = models.CharField(max_length=200, help_text="Signs every delivery (HMAC-SHA256); keep it private.")
    events = models.JSONField(default=list, help_text="Event names: claim.created, status.changed.")
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["active"], condition=Q(active=True), name="webhook_sub_active")]

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.events)})"

    def wants(self, event: str) -> bool:
        return self.active and event in self.events


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (gave up)"


class Delivery(models.Model):
    """One event owed to one subscription. `event_id` is the idempotency key receivers see."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    payload_key = models.CharField(max_length=100, help_text="The domain event's own id, e.g. status-change:42.")
    payload = models.JSONField()
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker holds a delivery until this time; another worker (a redelivered task) skips it.
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DeliveryState.values), name="webhook_delivery_state_valid"),
            # One delivery per subscription and domain event, whatever fires the signal twice.
            models.UniqueConstraint(fields=["subscription", "event", "payload_key"], name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.state})"


class DeliveryAttempt(models.Model):
    """One POST: what came back or what went wrong. Never edited."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.PositiveIntegerField(null=True, blank=True, help_text="HTTP status, if an answer came.")
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status or self.error[:40]}"
