"""Main text and metadata of a fetched page.

trafilatura finds the article body; we then drop the boilerplate it leaves in ("Read more:" lines,
newsletter and subscription prompts, share prompts, related-story lists), read metadata it does not
give us precisely enough (a full publication timestamp, the page language) and record any schema.org
ClaimReview markup, which is another fact-checker's verdict an editor can cite as evidence.

Just over 300 lines: body, clean-up and metadata each read the same parsed tree, built once here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import charset_normalizer
import lxml.etree
import lxml.html
import nh3
import trafilatura

from claims_tracker.lib.markup import markup_refusal

# A page larger than this is not an article; the fetcher caps bodies too, but direct callers exist.
MAX_HTML_BYTES = 20 * 1024 * 1024
# lxml and trafilatura cost 100-170 µs and ~1.5 KB per element, so the cap bounds a page to ~3 s and ~110 MB
# (bench/bench_hostile_feed.py); the largest corpus page (dailymail.co.uk) has 5,535 elements. Depth needs no
# check of ours: libxml2 stops nesting at 256 (lxml's huge_tree is off).
MAX_HTML_ELEMENTS = 20_000
MIN_WORDS = 5  # fewer words than this is navigation or an empty shell, not a report
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_SIGNS = re.compile(r"<\s*(html|head|body|p|div|article|title|meta|span|h1|br)\b", re.I)
_SANITIZE_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "q", "em"}
_SANITIZE_TAGS |= {"strong", "b", "i", "a", "table", "thead", "tbody", "tr", "th", "td", "pre", "code"}


class ExtractionError(ValueError):
    """The input is not a page we can take an article from; the message says why."""


@dataclass
class ExtractedArticle:
    title: str = ""
    byline: str = ""
    published: datetime | None = None
    site_name: str = ""
    language: str = ""
    canonical_url: str = ""
    text: str = ""
    # schema.org ClaimReview objects found in JSON-LD or microdata, as plain dicts.
    claimreview: list[dict] = field(default_factory=list)
    # The main content as HTML, sanitised with nh3 (safe to render).
    html: str = ""


def extract(html: str | bytes, *, url: str = "") -> ExtractedArticle:
    if isinstance(html, bytes):
        if len(html) > MAX_HTML_BYTES:
            raise ExtractionError(f"page too large to extract ({len(html)} bytes)")
        html = decode_html(html)
    if not isinstance(html, str):
        raise ExtractionError(f"expected HTML as str or bytes, got {type(html).__name__}")
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionError(f"page too large to extract ({len(html)} characters)")
    html = _CONTROL.sub("", html)
    if not html.strip():
        raise ExtractionError("empty page")
    if not _HTML_SIGNS.search(html[:200_000]):
        raise ExtractionError("not an HTML document")
    refusal = markup_refusal(html.encode("utf-8", "replace"), max_elements=MAX_HTML_ELEMENTS)
    if refusal:
        raise ExtractionError(refusal)
    try:
        # Comments and processing instructions go at parse time, as trafilatura's own loader drops
        # them: React's <!-- --> markers inside a paragraph otherwise cut it at its first inline tag.
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url or None,
            with_metadata=True,
            include_comments=False,  # reader comments and author boxes are not the report
            include_tables=_body_in_tables(tree),
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura raises assorted internal errors on hostile markup
        raise ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}") from exc
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no main text found on the page")

    metadata = _page_metadata(tree)
    text = clean_text(doc.text)
    if len(text.split()) < MIN_WORDS:
        raise ExtractionError("no main text left after removing boilerplate")
    return ExtractedArticle(
        title=_plain(doc.title),
        byline=_plain(doc.author),
        published=metadata.published or _date_only(doc.date),
        site_name=_plain(doc.sitename),
        language=metadata.language or _plain(doc.language),
        canonical_url=metadata.canonical_url or (doc.url or "") or url,
        text=text,
        claimreview=metadata.claimreview,
        html=_body_html(doc.body),
    )


# A table cell with this many words holds prose: the page is laid out in tables, or part of the
# report sits in one. Tables with only short cells (link lists, contacts, scores) stay out.
PROSE_CELL_WORDS = 40
_MAX_CELLS_LOOKED_AT = 2000


def _body_in_tables(tree: lxml.html.HtmlElement) -> bool:
    for count, cell in enumerate(tree.iter("td", "th")):
        if count >= _MAX_CELLS_LOOKED_AT:
            return False
        if len(cell.text_content().split()) >= PROSE_CELL_WORDS:
            return True
    return False


# Lines that are navigation, promotion or furniture rather than reporting. Anchored at the start of a
# line (trafilatura gives one paragraph per line) so a sentence that merely mentions a newsletter stays.
_BOILERPLATE_LINE = re.compile(
    r"^\W{0,3}(?:"
    r"(?:read|see|watch|listen)(?: more| also| next| this next)?\s*[:|>»-]"
    r"|(?:also read|related(?: stories| articles| coverage| content)?|recommended(?: for you)?|more from)\s*[:|>»-]"
    r"|(?:advertisement|sponsored content|story continues below|article continues below)\b"
    r"|(?:sign up|subscribe|register)\b.{0,160}\b(?:newsletter|inbox|updates|email|subscription)"
    r"|(?:get|receive)\b.{0,80}\bnewsletters?\b"
    r"|(?:submit|send) (?:your|a) letter to the editor"
    r"|(?:share|tweet|email) this (?:article|story)"
    r"|(?:click|tap) (?:here|this)\b"
    r"|follow us on\b"
    r"|(?:copyright|©)\s"
    r"|all rights reserved"
    r")",
    re.I,
)
# A whole line that is a prompt, however it starts.
_PROMPT_LINE = re.compile(
    r"\b(?:subscribe (?:now|today)|already a subscriber|to continue reading|sign up for (?:our|the) \w+ newsletter"
    r"|you can lobby|click this (?:blue )?box|this newspaper is (?:today )?urging readers"
    r"|a [\w ]{2,40} poll today which shows)\b",
    re.I,
)
# A heading that opens a list of other stories: it and the short lines after it go.
_RELATED_HEADING = re.compile(
    r"^(?:related|more on this|more stories|most read|top stories|trending|recommended|what to read next)\b.{0,40}$",
    re.I,
)

# The author box trafilatura sometimes keeps at the end: "X is a reporter for Y", "Redakteur in der Wirtschaft."
_AUTHOR_BIO = re.compile(
    r"^(?:[\w.'-]+ ){0,4}(?:is|was) an? (?:[\w-]+ ){0,3}(?:reporter|writer|correspondent|editor|columnist|journalist)\b"
    r"|^(?:(?:senior|chief|political|staff|freie[rn]?) )?"
    r"(?:redakteur(?:in)?|korrespondent(?:in)?|reporter|correspondent|editor|staff writer)\b.{0,60}$",
    re.I,
)
_BIO_MAX_CHARS = 160


def clean_text(text: str) -> str:
    """Drop leftover boilerplate lines from trafilatura's text, one paragraph per line."""
    kept: list[str] = []
    in_related = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if _RELATED_HEADING.match(stripped):
            in_related = True
            continue
        # Inside a related-story block: short headline-like lines are links, a real paragraph ends it.
        if in_related and (stripped.startswith("- ") or len(stripped) < 120) and not stripped.endswith("."):
            continue
        in_related = False
        if _BOILERPLATE_LINE.match(stripped) or _PROMPT_LINE.search(stripped):
            continue
        if len(stripped) <= _BIO_MAX_CHARS and _AUTHOR_BIO.match(stripped):
            continue
        kept.append(stripped)
    return "\n".join(kept)


def decode_html(data: bytes) -> str:
    """Bytes to text: BOM, then the page's own <meta charset>, then UTF-8, then a detector's best guess."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for codec in [*candidates, "utf-8"]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    # An undeclared legacy encoding: the page's language is a better hint than byte statistics
    # on a mostly-ASCII page.
    lang = _HTML_LANG.search(data[:4096])
    legacy = _LEGACY_CODEC.get(lang.group(1).decode("ascii").lower()) if lang else None
    if legacy:
        try:
            return data.decode(legacy)
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    codec = best.encoding if best is not None else "cp1252"
    return data.decode(codec, errors="replace")


_HTML_LANG = re.compile(rb"""<html[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
_LEGACY_CODEC = {
    **dict.fromkeys("en fr de es it pt nl da sv no nb fi is ga ca eu".split(), "cp1252"),
    **dict.fromkeys("ru uk bg be sr mk".split(), "cp1251"),
    **dict.fromkeys("pl cs sk hu ro hr sl".split(), "cp1250"),
    "el": "cp1253",
    "tr": "cp1254",
    "ja": "shift_jis",
    "zh": "gb18030",
    "ko": "euc-kr",
}


@dataclass
class _PageMetadata:
    published: datetime | None = None
    language: str = ""
    canonical_url: str = ""
    claimreview: list[dict] = field(default_factory=list)


def _page_metadata(tree: lxml.html.HtmlElement) -> _PageMetadata:
    meta = _PageMetadata()
    lang = tree.get("lang") or _first(tree, "//meta[@http-equiv='content-language']/@content")
    lang = lang or _first(tree, "//meta[@property='og:locale']/@content")
    meta.language = re.split(r"[-_]", lang.strip())[0].lower()[:20] if lang and lang.strip() else ""
    meta.canonical_url = _first(tree, "//link[@rel='canonical']/@href") or _first(
        tree, "//meta[@property='og:url']/@content"
    )
    objects = list(_json_ld_objects(tree))
    for xpath in (
        "//meta[@property='article:published_time']/@content",
        "//meta[@name='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//time[@itemprop='datePublished']/@datetime",
    ):
        meta.published = _parse_datetime(_first(tree, xpath))
        if meta.published:
            break
    for obj in objects:
        if meta.published is None and _types(obj) & {"NewsArticle", "Article", "ReportageNewsArticle"}:
            meta.published = _parse_datetime(obj.get("datePublished"))
        if "ClaimReview" in _types(obj):
            meta.claimreview.append(obj)
    meta.claimreview.extend(_microdata_claimreviews(tree))
    return meta


def _json_ld_objects(tree: lxml.html.HtmlElement):
    """Every JSON-LD object on the page, flattening lists and @graph; broken blocks are skipped."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])


def _microdata_claimreviews(tree: lxml.html.HtmlElement) -> list[dict]:
    return [
        _microdata_item(node) for node in tree.xpath("//*[@itemscope][contains(@itemtype, 'schema.org/ClaimReview')]")
    ]


def _microdata_item(node: lxml.html.HtmlElement) -> dict:
    item: dict = {"@type": node.get("itemtype", "").rstrip("/").rsplit("/", 1)[-1]}
    for prop in node.xpath(".//*[@itemprop]"):
        # Only direct properties: skip ones that belong to a nested item.
        owner = next((a for a in prop.iterancestors() if a.get("itemscope") is not None), None)
        if owner is not node:
            continue
        if prop.get("itemscope") is not None:
            value: object = _microdata_item(prop)
        else:
            value = prop.get("content") or prop.get("datetime") or prop.get("href") or prop.text_content().strip()
        item[prop.get("itemprop")] = value
    return item


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", [])
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def _first(tree: lxml.html.HtmlElement, xpath: str) -> str:
    found = tree.xpath(xpath)
    return str(found[0]).strip() if found else ""


def _parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date_only(value: str | None) -> datetime | None:
    return _parse_datetime(value)


def _plain(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _body_html(body: lxml.html.HtmlElement | None) -> str:
    if body is None:
        return ""
    raw = lxml.etree.tostring(body, encoding="unicode", method="html")
    # trafilatura's own element names (head, list, item, hi) become plain HTML where there is one.
    raw = re.sub(r"<(/?)head\b[^>]*>", r"<\1h3>", raw)
    raw = re.sub(r"<(/?)list\b[^>]*>", r"<\1ul>", raw)
    raw = re.sub(r"<(/?)item\b[^>]*>", r"<\1li>", raw)
    raw = re.sub(r"<(/?)hi\b[^>]*>", r"<\1em>", raw)
    return nh3.clean(raw, tags=_SANITIZE_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer nofollow")
