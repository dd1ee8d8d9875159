"""The share card: an SVG image per claim (1200 x 630, as Open Graph's summary_large_image wants),
carrying the claim's state in text, colour and glyph, the claim's words and who made it.

SVG has no line wrapping, so the text is wrapped here into at most CARD_LINES lines. Everything
shown goes through the template's autoescaping; characters XML 1.0 cannot carry at all (control
characters, lone surrogates, U+FFFE/U+FFFF) are dropped first, since no escape exists for them and
one of them would make the whole image unreadable.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from django.utils.text import Truncator

from .models import Claim, Status
from .templatetags.claims_extras import STATUS_GLYPHS, status_badge

CONTENT_TYPE = "image/svg+xml; charset=utf-8"
WIDTH, HEIGHT = 1200, 630
CARD_LINES = 5
LINE_CHARS = 34  # at 48 px, what 1,040 px hold in a wide font (DejaVu Sans, bold)
LINE_HEIGHT = 60

# The badge's light-scheme colours (static/css/badge.css): an image has no colour scheme to follow.
STATUS_COLOURS = {
    Status.UNVERIFIED: ("#e7e8ea", "#33373d"),
    Status.DISPUTED: ("#fde9c4", "#6b4200"),
    Status.PARTLY_CONFIRMED: ("#d8e6fb", "#0e3f85"),
    Status.CONFIRMED: ("#d5f0dc", "#125c2b"),
    Status.REFUTED: ("#fadbd8", "#8a1c12"),
    Status.RETRACTED: ("#eadcf7", "#5a2a86"),
    Status.UNVERIFIABLE: ("#dfe5ea", "#2f3e4c"),
}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold, its whitespace runs made one space."""
    return " ".join(_NOT_XML.sub("", value).split())


def wrap(text: str, *, width: int = LINE_CHARS, lines: int = CARD_LINES) -> list[str]:
    return textwrap.wrap(text, width=width, max_lines=lines, placeholder=" …") or [""]


@dataclass(frozen=True)
class TextLine:
    text: str
    y: int


def card_context(claim: Claim) -> dict:
    """What claims/claim_card.svg shows for `claim`."""
    badge = status_badge(claim.status)
    background, foreground = STATUS_COLOURS.get(claim.status, STATUS_COLOURS[Status.UNVERIFIED])
    lines = wrap(xml_text(claim.text))
    # The claim's lines sit centred in the space between the state band and the footer.
    top = 190 + (CARD_LINES - len(lines)) * LINE_HEIGHT // 2 + LINE_HEIGHT // 2
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "status": claim.status,
        "label": xml_text(badge["label"]),
        "glyph": STATUS_GLYPHS.get(claim.status, "•"),
        "background": background,
        "foreground": foreground,
        "lines": [TextLine(line, top + i * LINE_HEIGHT) for i, line in enumerate(lines)],
        "claimant": Truncator(xml_text(claim.claimant.name)).chars(60),
        "since": claim.status_changed_at,
        "alt": f"{badge['label']}: {Truncator(xml_text(claim.text)).chars(200)}",
    }
