"""The feeds of bench_feeds.py: N feeds and their articles' pages from one asyncio server on 127.0.0.1.

One process, one thread, stdlib asyncio (bench_fetch.py's server, with keep-alive), run as

    python bench/feeds_server.py --feeds N [--hosts H] [--mix 80,15,3,1,1] [--slow-seconds 5] [--sizes FILE]

It listens on H loopback addresses (127.0.0.1, 127.0.0.2, ...: all of 127.0.0.0/8 is this machine's on Linux),
one port for all, so that the feeds are on H hosts as a newsroom's are on many sites, and a client's limits per
host apply as they would. It prints the port, then serves until it is stopped.

Each poll of `/f/<i>` draws what this feed does this time:

- not modified: 304 to a conditional GET whose validator is current (200 with the current items otherwise:
  a client that lost its ETag gets the whole feed, as from a real server);
- new items: one new item, a new ETag and Last-Modified, 200 with the feed's last WINDOW items;
- slow: the not-modified answer after --slow-seconds;
- error: 500 or 503 (503 with Retry-After), alternately;
- redirect: 302 to `/m/<i>`, which answers as "not modified" does, with no draw of its own.

A 200 body is padded (the channel's description) to the size drawn for that feed from --sizes, a JSON list of
sizes in bytes (bench_feeds.py passes the sizes of the real feeds of ../shared/corpus/feeds). Each item links to
`/a/<i>/<n>`, one of the corpus article pages made a report of its own (its own address, words of its own), so
extraction runs on every new item as it would on a new report.

`GET /control/stats` answers the counters (JSON); `GET /control/freeze` stops new items from then on, so the
benchmark can wait until every item served is ingested.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
WINDOW = 10  # items in a feed's body, newest first, as news feeds keep their last few
KINDS = ("not_modified", "new", "slow", "error", "redirect")
BASE_TIME = 1_780_000_000  # Last-Modified of item n of any feed: BASE_TIME + n minutes (stable, parseable)

NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"


def _response(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def article_templates() -> list[bytes]:
    """The corpus pages as templates of reports of their own: their own address (@@URL@@) where the page named
    itself (a canonical link, og:url, JSON-LD: every copy would be merged into one article by its canonical
    URL), and a few words of their own (@@OWN@@) after the sentences expected.json says the main text holds
    (copies with the same text would be merged by content hash)."""
    expected = CORPUS.parent / "expected.json"
    pages = []
    for url, page in (json.loads(expected.read_text()) if expected.exists() else {}).items():
        body = (CORPUS / page["file"]).read_bytes()
        body = re.sub(rb"<link[^>]*rel=[\"']?canonical[^>]*>", b"", body, flags=re.I)
        body = re.sub(rb"<meta[^>]*og:url[^>]*>", b"", body, flags=re.I)
        body = body.replace(url.rstrip("/").encode(), b"@@URL@@")
        for sentence in page["with"]:
            body = body.replace(sentence.encode(), sentence.encode() + b" (report @@OWN@@)")
        pages.append(body)
    if not pages:  # a clone without ../shared: one plain page, enough for extraction to find a text
        text = b"<p>The minister said the bridge would reopen in spring (report @@OWN@@), a statement said.</p>"
        pages.append(b"<html><head><title>Report</title></head><body><article><h1>Report</h1>" + text * 20)
    return pages


class Feeds:
    def __init__(self, n: int, mix: list[float], slow: float, sizes: list[int], seed: int = 21):
        self.rng = random.Random(seed)
        self.n, self.slow = n, slow
        total = sum(mix)
        self.mix = [share / total for share in mix]
        self.sizes = [self.rng.choice(sizes) for _ in range(n)] if sizes else [0] * n
        self.items = [0] * n  # items published so far, per feed
        self.frozen = False
        self.pages = article_templates()
        self.stats = dict.fromkeys(
            ("polls", "not_modified", "full", "new_items", "slow", "errors", "redirects", "articles", "bytes"), 0
        )

    def validators(self, i: int) -> tuple[str, str]:
        k = self.items[i]
        return f'"{i}-{k}"', formatdate(BASE_TIME + 60 * k, usegmt=True)

    def draw(self) -> str:
        roll, edge = self.rng.random(), 0.0
        for kind, share in zip(KINDS, self.mix, strict=True):
            edge += share
            if roll < edge:
                return kind
        return KINDS[0]

    def feed_body(self, i: int, host: str) -> bytes:
        k = self.items[i]
        items = []
        for n in range(k, max(0, k - WINDOW), -1):
            link = f"http://{host}/a/{i}/{n}"
            when = formatdate(BASE_TIME + 60 * n, usegmt=True)
            items.append(
                f"<item><title>Report {i}-{n}</title><link>{link}</link>"
                f'<guid isPermaLink="false">bench-{i}-{n}</guid><pubDate>{when}</pubDate>'
                f"<description>Report {n} of feed {i}.</description></item>"
            )
        head = f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Bench feed {i}</title>'
        head += f"<link>http://{host}/</link><description>"
        tail = "</description>" + "".join(items) + "</channel></rss>\n"
        pad = max(0, self.sizes[i] - len(head) - len(tail))
        filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * (pad // 57 + 1))[:pad]
        return (head + filler + tail).encode()

    def current(self, i: int, headers: dict[bytes, bytes], host: str) -> bytes:
        """The answer of a server that has nothing new: 304 to a current validator, else the feed."""
        etag, modified = self.validators(i)
        match = headers.get(b"if-none-match")
        since = headers.get(b"if-modified-since")
        fresh = match.decode(errors="replace") == etag if match is not None else since == modified.encode()
        if fresh:
            self.stats["not_modified"] += 1
            return _response("304 Not Modified", {"ETag": etag, "Last-Modified": modified})
        self.stats["full"] += 1
        body = self.feed_body(i, host)
        self.stats["bytes"] += len(body)
        return _response(
            "200 OK", {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified}, body
        )

    async def poll(self, i: int, headers: dict[bytes, bytes], host: str) -> bytes:
        self.stats["polls"] += 1
        kind = self.draw()
        if kind == "new" and not self.frozen:
            self.items[i] += 1
            self.stats["new_items"] += 1
            headers = {}  # the validator the client sent is stale now: the feed in full
        elif kind == "slow":
            self.stats["slow"] += 1
            await asyncio.sleep(self.slow)
        elif kind == "error":
            self.stats["errors"] += 1
            if self.stats["errors"] % 2:
                return _response("500 Internal Server Error", {"Content-Type": "text/plain"}, b"error")
            return _response("503 Service Unavailable", {"Content-Type": "text/plain", "Retry-After": "60"}, b"busy")
        elif kind == "redirect":
            self.stats["redirects"] += 1
            return _response("302 Found", {"Location": f"/m/{i}"})
        return self.current(i, headers, host)

    def article(self, i: int, n: int, host: str) -> bytes:
        if not (0 <= i < self.n and 1 <= n <= self.items[i]):
            return NOT_FOUND
        self.stats["articles"] += 1
        page = self.pages[(i + n) % len(self.pages)]
        page = page.replace(b"@@URL@@", f"http://{host}/a/{i}/{n}".encode()).replace(b"@@OWN@@", f"{i}-{n}".encode())
        return _response("200 OK", {"Content-Type": "text/html; charset=utf-8"}, page)

    async def answer(self, target: str, headers: dict[bytes, bytes]) -> bytes:
        host = headers.get(b"host", b"127.0.0.1").decode(errors="replace")
        parts = target.split("?")[0].strip("/").split("/")
        try:
            if parts[0] == "f" and len(parts) == 2 and 0 <= int(parts[1]) < self.n:
                return await self.poll(int(parts[1]), headers, host)
            if parts[0] == "m" and len(parts) == 2 and 0 <= int(parts[1]) < self.n:
                return self.current(int(parts[1]), headers, host)
            if parts[0] == "a" and len(parts) == 3:
                return self.article(int(parts[1]), int(parts[2]), host)
        except ValueError:
            return NOT_FOUND
        if parts == ["control", "stats"]:
            return _response("200 OK", {"Content-Type": "application/json"}, json.dumps(self.stats).encode())
        if parts == ["control", "freeze"]:
            self.frozen = True
            return _response("200 OK", {"Content-Type": "application/json"}, json.dumps(self.stats).encode())
        return NOT_FOUND


def host_address(k: int) -> str:
    """The k-th host's loopback address: 127.0.0.1, 127.0.0.2, ..., 127.0.1.0, ..."""
    number = k + 1
    return f"127.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


async def serve(feeds: Feeds, hosts: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # one request after another on a kept-alive connection
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                target = lines[0].split(b" ")[1].decode(errors="replace")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                writer.write(await feeds.answer(target, headers))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    others = [host_address(k) for k in range(1, hosts)]
    if others:
        await asyncio.start_server(handle, others, port, backlog=1024)
    print(port, flush=True)
    await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--mix", default="80,15,3,1,1", help="shares of " + ", ".join(KINDS))
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    parser.add_argument("--sizes", help="a JSON file: a list of feed sizes in bytes to draw from")
    parser.add_argument("--hosts", type=int, default=1, help="loopback addresses to listen on (at most 65,000)")
    args = parser.parse_args()
    mix = [float(x) for x in args.mix.split(",")]
    if len(mix) != len(KINDS):
        parser.error(f"--mix takes {len(KINDS)} shares: {', '.join(KINDS)}")
    sizes = json.loads(Path(args.sizes).read_text()) if args.sizes else []
    if not 1 <= args.hosts <= 65_000:
        parser.error("--hosts takes 1 to 65,000 addresses")
    asyncio.run(serve(Feeds(args.feeds, mix, args.slow_seconds, sizes), args.hosts))


if __name__ == "__main__":
    main()
