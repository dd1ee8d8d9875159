"""Feed parsing: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (feedparser) and JSON Feed, hardened against hostile XML.

`parse_feed` never raises for bad input: a broken or hostile document comes back with `broken=True` and a
reason an editor can read. Entity tricks are stopped before any XML parser sees the document:

- general entity declarations other than tiny literal ones (`<!ENTITY nbsp "&#160;">`) are refused, which
  stops "billion laughs" (nested expansion) and quadratic blow-up (one big entity referenced many times);
- external entities (`SYSTEM` / `PUBLIC`, i.e. XXE) are refused; an external DTD is never fetched (feedparser
  strips the DOCTYPE and expat does not load external entities), and defusedxml is the second gate for
  whatever the byte scan cannot see (odd encodings).

Parsing cost is bounded too: feedparser spends about 20 µs per element, so a document with more than
MAX_FEED_ELEMENTS tags (escaped markup in entry text counts) or nested deeper than MAX_FEED_DEPTH is refused
before it is parsed (`lib.markup`), and a JSON Feed nested too deep for the JSON parser is broken, not a crash.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser
from django.utils.dateparse import parse_datetime

from claims_tracker.lib.markup import markup_refusal

MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 500
# About 1 s of feedparser at the cap; 500 entries of full-text HTML fit. libxml2's own depth limit is 256.
MAX_FEED_ELEMENTS = 50_000
MAX_FEED_DEPTH = 256
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s*([^>]*)>", re.I | re.S)
_SAFE_ENTITY_VALUE = re.compile(rb"""^(["'])(&#x?[0-9a-f]{1,6};|[^&%"'<]{0,8})\1$""", re.I)
_MAX_SAFE_ENTITIES = 50
_JSONFEED_VERSION = "https://jsonfeed.org/version/"
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class ParsedEntry:
    guid: str
    link: str = ""
    title: str = ""
    summary: str = ""
    author: str = ""
    published: datetime | None = None


@dataclass
class ParsedFeed:
    title: str = ""
    link: str = ""
    version: str = ""
    # WebSub discovery (W3C WebSub §4): the hub that pushes this feed, and the feed's own (self) URL, the topic.
    hub: str = ""
    self_url: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    broken: bool = False
    refused: bool = False  # hostile input, not merely broken
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def parse_feed(data: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    """Parse a feed document (bytes as served). Never raises for bad input; see ParsedFeed.broken/error."""
    if not isinstance(data, bytes | bytearray):
        return ParsedFeed(broken=True, error=f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_FEED_BYTES:
        return ParsedFeed(broken=True, error=f"the feed is larger than {MAX_FEED_BYTES:,} bytes")
    if not data.strip():
        return ParsedFeed(broken=True, error="the document is empty")
    if _looks_like_json(data, content_type):
        return _parse_json_feed(data)
    # The markup caps come first: defusedxml's check below builds a tree, at the cost per element they bound.
    refusal = markup_refusal(data, max_elements=MAX_FEED_ELEMENTS, max_depth=MAX_FEED_DEPTH) or entity_refusal(data)
    if refusal:
        return ParsedFeed(broken=True, refused=True, error=refusal)
    return _parse_xml_feed(data, content_type=content_type, url=url)


def entity_refusal(data: bytes) -> str:
    """Why this XML document is refused for its entity declarations, or "" when it is safe to parse."""
    # UTF-16/32 put NULs between ASCII characters; dropping them lets one scan see every encoding's markup.
    scan = data.replace(b"\x00", b"") if b"\x00" in data[:4096] else data
    general = []
    for match in _ENTITY_DECL.finditer(scan):
        is_parameter, rest = bool(match.group(1)), match.group(3).strip()
        if re.match(rb"(SYSTEM|PUBLIC)\b", rest, re.I):
            if is_parameter:
                continue  # an external DTD module; feedparser strips the DOCTYPE and nothing is fetched
            return "refused: the feed declares an external entity (XXE), which could read files or probe the network"
        if is_parameter:
            return "refused: the feed declares parameter entities, which can hide entity expansion"
        if not _SAFE_ENTITY_VALUE.match(rest):
            return (
                "refused: the feed declares XML entities that expand (an entity-expansion or 'billion laughs' attack)"
            )
        general.append(match.group(2))
    if len(general) > _MAX_SAFE_ENTITIES:
        return f"refused: the feed declares {len(general)} XML entities"
    # Second gate: defusedxml sees through encodings the byte scan cannot read. A parse error here is fine
    # (feedparser's loose parser copes with ill-formed feeds); only entity and DTD verdicts count.
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=not general, forbid_external=True)
    except defusedxml.ExternalReferenceForbidden:
        return "refused: the feed refers to an external entity or DTD"
    except defusedxml.EntitiesForbidden:
        if b"<!entity" in scan.lower():
            return ""  # only parameter-entity DTD modules, checked above
        return "refused: the feed declares XML entities"
    except defusedxml.DefusedXmlException as exc:
        return f"refused: {exc}"
    except (ParseError, ValueError, LookupError, UnicodeError):
        pass
    return ""


def _looks_like_json(data: bytes, content_type: str) -> bool:
    if "json" in (content_type or "").lower():
        return True
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def _parse_json_feed(data: bytes) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return ParsedFeed(broken=True, error=f"not valid JSON: {exc}")
    except RecursionError:
        return ParsedFeed(broken=True, refused=True, error="refused: the JSON is nested too deep")
    version = doc.get("version", "") if isinstance(doc, dict) else ""
    if not isinstance(version, str) or not version.startswith(_JSONFEED_VERSION):
        return ParsedFeed(broken=True, error="JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        return ParsedFeed(broken=True, error="JSON Feed without an items list")
    feed = ParsedFeed(
        title=_text(doc.get("title")), link=_text(doc.get("home_page_url")), version="json" + version[-1:]
    )
    hubs = doc.get("hubs") if isinstance(doc.get("hubs"), list) else []
    feed.hub = next((_text(h.get("url")) for h in hubs if isinstance(h, dict) and _text(h.get("url"))), "")
    feed.self_url = _text(doc.get("feed_url"))
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            feed.warnings.append("an item that is not an object was skipped")
            continue
        link = _text(item.get("url")) or _text(item.get("external_url"))
        summary = _text(item.get("summary")) or _text(item.get("content_text")) or _strip(item.get("content_html"))
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = ", ".join(_text(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name"))
        published = parse_datetime(_text(item.get("date_published"))) if item.get("date_published") else None
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        entry = ParsedEntry(
            guid=_guid(_text(item.get("id")), link, _text(item.get("title")), summary),
            link=link,
            title=_text(item.get("title")),
            summary=summary[:5000],
            author=author[:300],
            published=published,
        )
        feed.entries.append(entry)
    return feed


def _parse_xml_feed(data: bytes, *, content_type: str, url: str) -> ParsedFeed:
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    try:
        # A stream, never a str: feedparser would treat a string as a URL or a file name and open it.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser is robust, but a crash here must mark the feed, not kill the task
        return ParsedFeed(broken=True, error=f"the feed could not be parsed: {exc.__class__.__name__}: {exc}")
    bozo = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else ""
    version = parsed.get("version", "") or ""
    feed = ParsedFeed(title=_text(parsed.feed.get("title")), link=_text(parsed.feed.get("link")), version=version)
    for link in parsed.feed.get("links") or []:
        rel, href = _text(link.get("rel")), _text(link.get("href"))
        if rel == "hub" and href and not feed.hub:
            feed.hub = href
        elif rel == "self" and href and not feed.self_url:
            feed.self_url = href
    # Nothing usable at all: no entries, no title, and either no feed format recognised or a parse error.
    if not parsed.entries and not feed.title and (not version or bozo):
        feed.broken = True
        feed.error = f"not a readable feed: {bozo}" if bozo else "not a feed (no RSS, Atom or JSON Feed found)"
        return feed
    if bozo:
        feed.warnings.append(f"parsed despite errors: {bozo}")
    for item in parsed.entries[:MAX_ENTRIES]:
        link = _text(item.get("link"))
        summary = _strip(item.get("summary"))
        published = None
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        if stamp:
            try:
                published = datetime(*stamp[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                published = None
        feed.entries.append(
            ParsedEntry(
                guid=_guid(_text(item.get("id")), link, _text(item.get("title")), summary),
                link=link,
                title=_text(item.get("title")),
                summary=summary[:5000],
                author=_text(item.get("author"))[:300],
                published=published,
            )
        )
    if len(parsed.entries) > MAX_ENTRIES:
        feed.warnings.append(f"only the first {MAX_ENTRIES} of {len(parsed.entries)} entries were read")
    return feed


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strip(value: object) -> str:
    return re.sub(r"\s+", " ", _TAGS.sub(" ", value)).strip() if isinstance(value, str) else ""


def _guid(guid: str, link: str, title: str, summary: str) -> str:
    """The entry's identity within its feed: its id, else its link, else a hash of what it says."""
    value = guid or link
    if value and len(value) <= 1000:
        return value
    basis = value or f"{title}\n{summary}"
    return "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()
