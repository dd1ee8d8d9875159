"""Test pages and feeds built from the seed report, served by tests.ingest.server.LocalServer."""

from __future__ import annotations

import html
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "data" / "soledar_report.txt"  # see tests/data/README.md

# Hostile XML (tests/ingest/test_feeds.py, bench/bench_hostile_feed.py): nested entity expansion, and one large
# entity referenced many times.
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://example.org/1</link></item></channel></rss>"""

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "'
    + b"x" * 100_000
    + b'">]><rss version="2.0"><channel><title>'
    + b"&a;" * 50_000
    + b"</title></channel></rss>"
)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def article_page(title: str, paragraphs: list[str], *, canonical: str = "", extra: str = "") -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{link}"
        "<meta property='og:site_name' content='Test News'></head>"
        "<body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<main><article><h1>{html.escape(title)}</h1><p class='byline'>By Test Reporter</p>{body}{extra}</article>"
        "</main><footer>Copyright Test News</footer></body></html>"
    )


def seed_page(*, canonical: str = "", marker: str = "") -> str:
    paragraphs = [p for p in seed_text().split("\n") if p.strip()]
    if marker:
        paragraphs.append(marker)
    return article_page("Russia claims control of Soledar", paragraphs, canonical=canonical)


def short_page(n: int, *, speaker: str = "Hanna Malyar") -> str:
    paragraphs = [
        f"Report number {n} from the front, filed for testing the ingestion pipeline of the newsroom.",
        f"{speaker} wrote on Telegram that \u201cthe night in town number {n} was hot, the battles continued.\u201d",
        "Officials in Kyiv said on Friday that the fighting would go on for many weeks, according to the report.",
        "The ministry did not comment further on the situation, and no independent confirmation was available.",
    ]
    return article_page(f"Battle report {n}", paragraphs)


def rss(items: list[tuple[str, str, str]], *, title: str = "Test feed") -> str:
    """items: (guid, link, title)"""
    rows = "".join(
        f"<item><guid>{html.escape(g)}</guid><link>{html.escape(link)}</link><title>{html.escape(t)}</title>"
        "<pubDate>Fri, 13 Jan 2023 09:40:00 GMT</pubDate></item>"
        for g, link, t in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.org/</link>{rows}</channel></rss>"
    )


def nested_feed(depth: int, *, cdata: bool = True) -> bytes:
    """Issue #22's feed: one description holding `depth` nested <a> elements (745,000 make 5.2 MB)."""
    inner = "<a>" * depth + "</a>" * depth
    description = f"<![CDATA[{inner}]]>" if cdata else inner.replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title><item><title>x</title>'
        f"<link>http://example.org/1</link><description>{description}</description></item></channel></rss>"
    ).encode()
