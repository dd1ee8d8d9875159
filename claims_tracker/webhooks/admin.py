"""Admin: editors register their endpoints here too; deliveries and attempts are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Delivery, DeliveryAttempt, Event, Subscription


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(
        min_length=services.MIN_SECRET_LENGTH, help_text="Shared with the receiver; signs every delivery."
    )

    class Meta:
        model = Subscription
        fields = ["url", "events", "secret", "description", "active"]

    def clean_url(self) -> str:
        from claims_tracker.ingest.fetching import FetchError, validate_url

        try:
            return validate_url(self.cleaned_data["url"])
        except FetchError as exc:
            raise ValidationError(exc.message)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "status", "ok", "error", "response_excerpt"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["url", "owner", "events", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]

    def get_queryset(self, request: Any):
        qs = super().get_queryset(request).select_related("owner")
        return qs if request.user.is_superuser else qs.filter(owner=request.user)

    def save_model(self, request: Any, obj: Subscription, form: Any, change: bool) -> None:
        if not change:
            obj.owner = request.user
        if obj.active and change and "active" in form.changed_data:
            # Turning it back on: start counting failures afresh.
            obj.consecutive_failures, obj.disabled_at, obj.disabled_reason = 0, None, ""
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "state", "attempts", "last_status", "created_at", "finished_at"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [DeliveryAttemptInline]

    def get_queryset(self, request: Any):
        qs = super().get_queryset(request).select_related("subscription")
        return qs if request.user.is_superuser else qs.filter(subscription__owner=request.user)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
