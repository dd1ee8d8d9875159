"""Editors' webhook subscriptions: each caller sees and manages only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.webhooks import services
from claims_tracker.webhooks.models import Subscription

from .. import inputs, serializers, shapes
from ..inputs import valid
from ..pagination import Keyset
from ..permissions import IsEditor, IsOwner
from .base import ApiView, KeysetListApi
from .claims import PAGE_PARAMS


def _subscription(sub: Subscription) -> dict:
    return {
        "id": sub.pk,
        "url": sub.url,
        "events": list(sub.events),
        "description": sub.description,
        "active": sub.active,
        "consecutive_failures": sub.consecutive_failures,
        "disabled_at": shapes.iso(sub.disabled_at),
        "disabled_reason": sub.disabled_reason,
        "created_at": shapes.iso(sub.created_at),
    }


def _delivery(d: Any) -> dict:
    return {
        "id": d.pk,
        "event": d.event,
        "event_id": str(d.event_id),
        "state": d.state,
        "attempts": d.attempts,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "created_at": shapes.iso(d.created_at),
        "finished_at": shapes.iso(d.finished_at),
    }


@extend_schema(
    tags=["webhooks"],
    summary="Your webhook subscriptions",
    parameters=PAGE_PARAMS,
    responses=serializers.page_of(serializers.SubscriptionOutput, "SubscriptionPage"),
)
class SubscriptionListApi(KeysetListApi):
    permission_classes = [IsEditor]
    keyset = Keyset("webhooks", Subscription, ("id",), descending=True)
    etag_fields = ("id", "updated_at")
    extra_error_codes = ("403",)

    def base_queryset(self) -> QuerySet:
        return Subscription.objects.filter(owner=self.request.user)  # lists are scoped to the caller

    def shape(self, row: Any) -> dict:
        return _subscription(row)


@extend_schema(
    tags=["webhooks"],
    summary="Subscribe a URL to events",
    description="Each event is POSTed as JSON, signed: see docs/api.md for checking `X-Claims-Signature`.",
    request=inputs.SubscriptionCreateInput,
    responses={201: serializers.SubscriptionCreatedOutput},
)
class SubscriptionCreateApi(ApiView):
    permission_classes = [IsEditor]

    def post(self, request: Request) -> Response:
        data = valid(inputs.SubscriptionCreateInput, request)
        sub = services.subscription_create(
            owner=request.user,
            url=data["url"],
            events=data["events"],
            secret=data.get("secret") or "",
            description=data.get("description", ""),
        )
        return Response({**_subscription(sub), "secret": sub.secret}, status=status.HTTP_201_CREATED)


class _OwnSubscriptionMixin:
    permission_classes = [IsEditor, IsOwner]
    extra_error_codes = ("403",)

    def get_subscription(self, request: Request, pk: int) -> Subscription:
        sub = get_object_or_404(Subscription, pk=pk)
        if sub.owner_id != request.user.pk and not request.user.is_superuser:
            # Someone else's subscription does not exist, as far as this caller knows.
            raise Subscription.DoesNotExist
        self.check_object_permissions(request, sub)
        return sub


@extend_schema(
    tags=["webhooks"],
    summary="One of your subscriptions, with its recent deliveries",
    responses=serializers.SubscriptionDetailOutput,
)
class SubscriptionDetailApi(_OwnSubscriptionMixin, ApiView):
    def get(self, request: Request, pk: int) -> Response:
        sub = self.get_subscription(request, pk)
        deliveries = [_delivery(d) for d in sub.deliveries.order_by("-created_at", "-id")[:20]]
        return Response({**_subscription(sub), "recent_deliveries": deliveries})


@extend_schema(
    tags=["webhooks"],
    summary="Remove one of your subscriptions (and its delivery log)",
    request=None,
    responses={204: None},
)
class SubscriptionDeleteApi(_OwnSubscriptionMixin, ApiView):
    def post(self, request: Request, pk: int) -> Response:
        services.subscription_delete(subscription=self.get_subscription(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
