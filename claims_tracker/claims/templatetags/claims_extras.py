"""The one state badge used everywhere, and date formatting."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from claims_tracker.claims.models import Status

register = template.Library()

# A glyph per state so that colour is never the only signal.
STATUS_GLYPHS = {
    Status.UNVERIFIED: "?",
    Status.DISPUTED: "⇄",
    Status.PARTLY_CONFIRMED: "◐",
    Status.CONFIRMED: "✓",
    Status.REFUTED: "✗",
    Status.RETRACTED: "↶",
    Status.UNVERIFIABLE: "∅",
}


@register.inclusion_tag("claims/_badge.html")
def status_badge(status: str, small: bool = False):
    label = Status(status).label if status in Status.values else status
    return {"status": status, "label": label, "glyph": STATUS_GLYPHS.get(status, "•"), "small": small}


@register.inclusion_tag("claims/_when.html")
def when(value, with_time: bool = True):
    """Absolute UTC date, with the relative time in a tooltip."""
    if value is None:
        return {"value": None}
    relative = f"{timesince(value)} ago" if value <= timezone.now() else "in the future"
    return {"value": value, "relative": relative, "with_time": with_time}
