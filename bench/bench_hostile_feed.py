"""Seconds and peak memory of `parse_feed` and `extract` on hostile and on largest-accepted documents.

Issue #22's feed (745,000 nested <a> in one description, 5.2 MB) took 48 s and 506 MB per poll; the goal is a
refusal in at most 2 s and 100 MB. The entity attacks (billion laughs, in UTF-8 and UTF-16, and quadratic blow-up)
are refused by a byte scan before any parser runs; tests/ingest/test_feeds.py checks that verdict and the memory
bound, and the seconds are printed here rather than asserted there. Each case runs in a fresh process so its
peak RSS is its own; the figure printed beside it is the RSS of an idle process that has imported the same
modules.

    .venv/bin/python bench/bench_hostile_feed.py

No database is used. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

from tests.ingest.pages import BILLION_LAUGHS, QUADRATIC  # noqa: E402, F401 - the CASES name them

CASES = {
    "idle (imports only)": "b''",
    "feed: billion laughs (refused)": "BILLION_LAUGHS",
    "feed: billion laughs in UTF-16 (refused)": "utf16(BILLION_LAUGHS)",
    "feed: quadratic blow-up, 50,000 x 100 KB entity (refused)": "QUADRATIC",
    "feed: 745,000 nested <a> in CDATA (the issue's)": "feed_nested(745_000, cdata=True)",
    "feed: 745,000 nested <a> as elements": "feed_nested(745_000, cdata=False)",
    "feed: 250 nested <a> (accepted)": "feed_nested(250, cdata=True)",
    "feed: 24,000 flat <a></a> (just under the cap, accepted)": "feed_flat(24_000)",
    "page: 745,000 flat <span> (refused)": "page_flat(745_000)",
    "page: 19,000 flat <span> (just under the cap, accepted)": "page_flat(19_000)",
}


def utf16(data: bytes) -> bytes:
    return data.decode().replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>', 1).encode("utf-16")


def feed_nested(depth: int, *, cdata: bool) -> bytes:
    inner = "<a>" * depth + "</a>" * depth
    return _rss(f"<![CDATA[{inner}]]>" if cdata else inner)


def feed_flat(count: int) -> bytes:
    return _rss("<![CDATA[" + "<a></a>" * count + "]]>")


def _rss(description: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
        f"<link>http://example.org/1</link><description>{description}</description></item></channel></rss>"
    ).encode()


def page_flat(count: int) -> bytes:
    body = "<p>" + "Words of the report stay readable here. " * 30 + "</p>" + "<span>x</span>" * count
    return f"<html><head><title>T</title></head><body><article>{body}</article></body></html>".encode()


def run_case(expression: str) -> None:
    """`--case EXPR`: build the document, parse it once, print 'seconds peak_mb outcome'."""
    import resource
    import time

    import django

    django.setup()
    from claims_tracker.ingest.extraction import ExtractionError, extract
    from claims_tracker.ingest.feeds import parse_feed

    data = eval(expression)  # noqa: S307 - the expressions are the CASES above
    started = time.monotonic()
    if expression.startswith("page"):
        try:
            outcome = f"extracted {len(extract(data).text)} characters"
        except ExtractionError as exc:
            outcome = str(exc)
    elif data:
        parsed = parse_feed(data)
        outcome = parsed.error or f"parsed, {len(parsed.entries)} entries"
    else:
        outcome = "-"
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.0f} {outcome}")


def main() -> None:
    print(f"{'case':58} {'bytes':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    for name, expression in CASES.items():
        size = len(eval(expression))  # noqa: S307
        out = subprocess.run(
            [sys.executable, __file__, "--case", expression], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.strip()
        seconds, peak, outcome = out.split(" ", 2)
        print(f"{name:58} {size:>10,} {seconds:>8} {peak:>8}  {outcome[:70]}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--case"]:
        run_case(sys.argv[2])
    else:
        main()
