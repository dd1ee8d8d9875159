"""Small formatting helpers for the desk pages, and the role check its navigation needs."""

from __future__ import annotations

from datetime import timedelta

from django import template

from claims_tracker.accounts import roles

register = template.Library()


@register.filter
def age(value: timedelta | None) -> str:
    """A compact age for dense tables: "3 d", "5 h", "12 min"."""
    if value is None:
        return "—"
    seconds = max(0, int(value.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def is_reviewer(user) -> bool:
    return roles.is_reviewer(user)
