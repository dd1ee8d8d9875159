"""A cheap pre-scan that bounds what a markup parser is asked to do with outside input.

feedparser's sanitiser and lxml spend time and memory per element (about 20 µs and 2 KB each): a 5 MB feed
of 745,000 nested `<a>` took 48 s and 506 MB to parse. Counting tags with one regular expression costs a
fraction of a second at the byte cap, so a document over the element or depth cap is refused before any
parser sees it, and the parse that follows is bounded by the caps (see bench/bench_hostile_feed.py).

Markup escaped inside feed text (`&lt;a&gt;`) is counted too: feedparser unescapes and sanitises it.
"""

from __future__ import annotations

import re

_ESCAPED_LT = re.compile(rb"&(?:lt|#0*60|#x0*3c);", re.I)
_OPEN = re.compile(rb"<[A-Za-z]")
# A start or end tag: group 1 is "/" for an end tag, group 2 the name, group 3 "/" for a self-closing tag.
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:_.-]{0,64})[^<>]{0,4096}?(/?)>")
# HTML elements that never have content, so never add depth.
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())


def markup_refusal(data: bytes, *, max_elements: int, max_depth: int | None = None) -> str:
    """Why this markup is refused (too many elements, nested too deep), or "" when it is within the caps."""
    scan = _ESCAPED_LT.sub(b"<", data) if b"&" in data else data
    # Stop counting at the cap: a list of every match would itself cost memory per element.
    if any(count > max_elements for count, _ in enumerate(_OPEN.finditer(scan), start=1)):
        return f"refused: the document has more than {max_elements:,} elements"
    if max_depth is None:
        return ""
    depth = _max_depth(scan, stop_at=max_depth)
    if depth > max_depth:
        return f"refused: the document nests elements more than {max_depth} deep"
    return ""


def _max_depth(scan: bytes, *, stop_at: int) -> int:
    # An end tag closes up to its matching start tag, so an unclosed <p> inside one feed entry is forgotten
    # when the entry closes and sloppy HTML does not add up across entries.
    stack: list[bytes] = []
    for match in _TAG.finditer(scan):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif not self_closing and name not in _VOID:
            stack.append(name)
            if len(stack) > stop_at:
                return len(stack)
    return len(stack)
