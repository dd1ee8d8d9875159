"""The one state badge used everywhere, and date formatting."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from claims_tracker.claims.models import Status
from claims_tracker.claims.selectors import HIGHLIGHT_START, HIGHLIGHT_STOP
from claims_tracker.lib.urls import web_url

register = template.Library()
register.filter("web_url", web_url)  # {{ outlet.homepage|web_url }}: "" unless http(s)

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

    Built in Python rather than by including the template: lists render it on every row. There
    are seven states, so each badge is built once per language and kept.
    """
    return _badge_html(status, bool(small), get_language())


@lru_cache(maxsize=256)
def _badge_html(status: str, small: bool, language: str | None) -> str:
    badge = status_badge(status, small)
    return format_html(
        '<span class="badge badge--{}{}"><span class="badge__glyph" aria-hidden="true">{}</span> {}</span>',
        badge["status"],
        " badge--small" if small else "",
        badge["glyph"],
        badge["label"],
    )


MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# (seconds, singular, plural), largest first: the relative time names its largest whole unit.
_UNITS = (
    (365 * 86400, "year", "years"),
    (30 * 86400, "month", "months"),
    (7 * 86400, "week", "weeks"),
    (86400, "day", "days"),
    (3600, "hour", "hours"),
    (60, "minute", "minutes"),
)


def relative_time(value: datetime, now: datetime) -> str:
    """'3 days ago', 'in the future', 'just now': the tooltip of a date."""
    seconds = (now - value).total_seconds()
    if seconds < 0:
        return "in the future"
    for size, one, many in _UNITS:
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {one if n == 1 else many} ago"
    return "just now"


@register.simple_tag
def when(value: datetime | None, with_time: bool = True) -> str:
    """Absolute UTC date, with the relative time in a tooltip.

    Built by hand rather than with dateformat and timesince: lists show two dates per row, and
    those two, with their translation lookups, cost more than the rest of a row. The site's
    dates are English and UTC (LANGUAGE_CODE, TIME_ZONE); every part is our own text.
    """
    if value is None:
        return mark_safe('<span class="muted">—</span>')  # a constant, no outside text
    if not isinstance(value, datetime):  # a plain date
        shown = f"{value.day} {MONTHS[value.month]} {value.year}"
        return mark_safe(f'<time datetime="{value.isoformat()}">{shown}</time>')  # noqa: S308 - our own text
    aware = timezone.is_aware(value)
    local = value.astimezone(UTC) if aware else value
    relative = relative_time(local, timezone.now() if aware else datetime.now())  # noqa: DTZ005 - naive stays naive
    shown = f"{local.day} {MONTHS[local.month]} {local.year}"
    if with_time:
        shown += f", {local.hour:02d}:{local.minute:02d} UTC"
    return mark_safe(f'<time datetime="{local.isoformat()}" title="{relative}">{shown}</time>')  # noqa: S308


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


@register.simple_tag
def claim_row(claim) -> str:
    """`{% claim_row claim %}`: one row of a claims list (the list, an outlet's page).

    Built in Python, as the badge is: a list renders thirty of them, and as an included template
    the rows took half the list's time. Every outside value goes through format_html's escaping;
    `headline` (a search's) through `highlighted`.
    """
    text = highlighted(claim.headline) if getattr(claim, "headline", "") else claim.text
    claimant = claim.claimant
    affiliation = (
        format_html(' <span class="muted">({})</span>', claimant.affiliation.name) if claimant.affiliation else ""
    )
    outlets = getattr(claim, "outlet_count", None)
    facts = format_html("<span>{} outlet{}</span>", outlets, "" if outlets == 1 else "s") if outlets is not None else ""
    if getattr(claim, "is_disputed", False):
        facts += mark_safe(  # a constant
            '<span class="tag tag--disputed"><span aria-hidden="true">⇄</span> Disputed by another party</span>'
        )
    return format_html(
        '<li class="claim-row">\n  <a class="claim-row__text" href="{}">{}</a>\n  <div class="claim-row__meta">\n'
        '    {}\n    <span class="claim-row__who"><a href="{}">{}</a>{}</span>\n'
        "    <span>state set {}</span>\n    <span>claimed {}</span>\n    {}\n  </div>\n</li>",
        claim.get_absolute_url(),
        text,
        status_badge_tag(claim.status),
        claimant.get_absolute_url(),
        claimant.name,
        affiliation,
        when(claim.status_changed_at),
        when(claim.claimed_at, False),
        facts,
    )
