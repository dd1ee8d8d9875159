"""ClaimReview in: the fact-checks a page carries (JSON-LD, microdata, RDFa, read with extruct) or a schema.org
DataFeed lists, as plain Review values.

Real markup is messy, and each of these is read the same: a type in any case or as a full URL ("rating",
"http://schema.org/Rating"), a rating value as a number or a string, `itemReviewed` as a Claim or a
CreativeWork, `@context` anywhere in the object, several reviews on one page, a DataFeed whose elements are the
reviews or DataFeedItems holding them, RDFa's flattened graph (nodes linked by @id). Nothing here touches the
database; a broken document gives no reviews, never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

_MARKER = b"claimreview"
_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")
_MAX_TEXT = 2000
_MAX_REVIEWS = 500


@dataclass
class Review:
    reviewer: str = ""
    reviewer_url: str = ""
    rating_name: str = ""
    rating_value: str = ""
    best_rating: str = ""
    worst_rating: str = ""
    reviewed_at: datetime | None = None
    claim_reviewed: str = ""
    claim_author: str = ""
    url: str = ""
    appearance_url: str = ""
    raw: dict = field(default_factory=dict)

    def score(self) -> float | None:
        """The rating on a 0..1 scale (worst..best), when its value and scale are numbers. Google's guidance:
        best 5 and worst 1 unless given."""
        try:
            value = Decimal(self.rating_value)
            best = Decimal(self.best_rating or "5")
            worst = Decimal(self.worst_rating or "1")
        except InvalidOperation:
            return None
        if best == worst or not (min(best, worst) <= value <= max(best, worst)):
            return None
        return float((value - worst) / (best - worst))


def reviews_in_page(body: bytes, *, url: str) -> list[Review]:
    """The ClaimReviews marked up in an HTML page. Pages that never say "ClaimReview" are not parsed at all."""
    if _MARKER not in body.lower():
        return []
    import extruct  # only fact-check pages pay for it

    try:
        found = extruct.extract(body, base_url=url, syntaxes=["json-ld", "microdata", "rdfa"], uniform=True)
    except Exception:  # extruct raises whatever its parsers raise on broken markup
        return []
    objects = list(found.get("json-ld", [])) + list(found.get("microdata", []))
    objects += _nest_expanded(found.get("rdfa", []))
    return _reviews(objects)


def is_datafeed(body: bytes) -> bool:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[") and b"datafeed" in body[:4096].lower()


def reviews_in_datafeed(body: bytes) -> list[Review] | None:
    """The reviews of a DataFeed document; None when it is not JSON or not a DataFeed."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nesting too deep to be data
        return None
    feeds = [d for d in _walk(doc) if _is(d, "DataFeed")]
    if not feeds:
        return None
    elements: list[Any] = []
    for feed in feeds:
        elements += _list(feed.get("dataFeedElement"))
    items = []
    for element in elements:
        if isinstance(element, dict) and _is(element, "DataFeedItem"):
            items += _list(element.get("item"))
        else:
            items.append(element)
    return _reviews(items)


def _reviews(objects: list[Any]) -> list[Review]:
    reviews = [_review(obj) for obj in _walk(objects) if _is(obj, "ClaimReview")]
    return reviews[:_MAX_REVIEWS]


def _review(obj: dict) -> Review:
    rating = _first_dict(obj.get("reviewRating"))
    item = _first_dict(obj.get("itemReviewed"))
    reviewer = _first_dict(obj.get("author")) or _first_dict(obj.get("publisher"))
    appearance = _first_dict(item.get("appearance")) or _first_dict(item.get("firstAppearance"))
    return Review(
        reviewer=_text(reviewer.get("name")) or _name(obj.get("author")),
        reviewer_url=_text(reviewer.get("url")),
        rating_name=_text(rating.get("alternateName")) or _text(rating.get("name")),
        rating_value=_text(rating.get("ratingValue")),
        best_rating=_text(rating.get("bestRating")),
        worst_rating=_text(rating.get("worstRating")),
        reviewed_at=_date(obj.get("datePublished")) or _date(obj.get("dateCreated")),
        claim_reviewed=_text(obj.get("claimReviewed")) or _text(item.get("name")),
        claim_author=_text(_first_dict(item.get("author")).get("name")) or _name(item.get("author")),
        url=_text(obj.get("url")),
        appearance_url=_text(appearance.get("url")) or _text(item.get("url")),
        raw=obj,
    )


def _walk(value: Any, depth: int = 0):
    """Every dict in a JSON value, through lists and @graph, outermost first."""
    if depth > 20:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _walk(value["@graph"], depth + 1)


def _types(obj: dict) -> set[str]:
    kinds = obj.get("@type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    names = set()
    for kind in kinds:
        if isinstance(kind, str):
            names.add(kind.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower())
    return names


def _is(obj: Any, kind: str) -> bool:
    return isinstance(obj, dict) and kind.lower() in _types(obj)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _first_dict(value: Any) -> dict:
    return next((v for v in _list(value) if isinstance(v, dict)), {})


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float) and not isinstance(v, bool)), "")
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return ""
    return " ".join(str(value).split())[:_MAX_TEXT]


def _name(value: Any) -> str:
    """A name given as plain text ("author": "Example Fact Check"); a number is no name."""
    return _text(value) if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text[:10])
            parsed = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _nest_expanded(nodes: list[Any]) -> list[dict]:
    """RDFa comes out of extruct as flattened, expanded JSON-LD; nest it back into plain schema.org objects."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n, dict) and isinstance(n.get("@id"), str)}

    def plain(node: dict, seen: frozenset) -> dict:
        out: dict[str, Any] = {"@type": node.get("@type", [])}
        for key, values in node.items():
            if key.startswith("@"):
                continue
            name = next((key[len(p) :] for p in _SCHEMA_PREFIXES if key.startswith(p)), None)
            if name is None:
                continue
            converted = []
            for value in _list(values):
                if isinstance(value, dict) and "@value" in value:
                    converted.append(value["@value"])
                elif isinstance(value, dict) and value.get("@id") in by_id and value["@id"] not in seen:
                    converted.append(plain(by_id[value["@id"]], seen | {value["@id"]}))
                elif isinstance(value, dict) and "@id" in value:
                    converted.append(value["@id"])
            out[name] = converted[0] if len(converted) == 1 else converted
        return out

    return [plain(n, frozenset({n.get("@id")})) for n in by_id.values() if _is(n, "ClaimReview")]
