"""The one state badge used everywhere, and date formatting."""

from __future__ import annotations

import json
from datetime import datetime

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from claims_tracker.claims.models import Status
from claims_tracker.claims.selectors import HIGHLIGHT_START, HIGHLIGHT_STOP

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


def status_badge(status: str, small: bool = False) -> dict:
    """The badge's context, as claims/_badge.html reads it (the admin renders that template)."""
    label = Status(status).label if status in Status.values else status
    return {"status": status, "label": label, "glyph": STATUS_GLYPHS.get(status, "•"), "small": small}


@register.simple_tag(name="status_badge")
def status_badge_tag(status: str, small: bool = False) -> str:
    """`{% status_badge claim.status %}`: the same markup as claims/_badge.html, label + colour + glyph.

    Built in Python rather than by including the template: lists render it on every row.
    """
    badge = status_badge(status, small)
    return format_html(
        '<span class="badge badge--{}{}"><span class="badge__glyph" aria-hidden="true">{}</span> {}</span>',
        badge["status"],
        " badge--small" if small else "",
        badge["glyph"],
        badge["label"],
    )


@register.simple_tag
def when(value: datetime | None, with_time: bool = True) -> str:
    """Absolute UTC date, with the relative time in a tooltip."""
    if value is None:
        return mark_safe('<span class="muted">—</span>')  # a constant, no outside text
    if not isinstance(value, datetime):  # a plain date
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), dateformat.format(value, "j M Y"))
    relative = f"{timesince(value)} ago" if value <= timezone.now() else "in the future"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    shown = dateformat.format(local, "j M Y, H:i") + " UTC" if with_time else dateformat.format(local, "j M Y")
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(), relative, shown)


# Characters JSON may carry that would end or confuse a <script> element; the same set Django's
# json_script escapes.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld_script(data: dict) -> str:
    """A <script type="application/ld+json"> block.

    `json_script` cannot set the type; this does the same escaping, so ingested text such as
    "</script>" inside a quote stays inside the string.
    """
    body = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(body))  # noqa: S308


@register.filter
def highlighted(value: str) -> str:
    """Escape a search headline, then turn its sentinel markers (see selectors) into <mark>."""
    escaped = escape(value or "")
    escaped = escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    # Safe: built from escaped text plus our own tags.
    return mark_safe(escaped)  # noqa: S308


STANCE_GLYPHS = {"asserts": "+", "confirms": "✓", "denies": "✗", "disputes": "⇄", "reports": "≈"}


@register.filter
def stance_glyph(stance: str) -> str:
    return STANCE_GLYPHS.get(stance, "•")


@register.filter
def status_text(status: str) -> str:
    return Status(status).label if status in Status.values else (status or "—")
