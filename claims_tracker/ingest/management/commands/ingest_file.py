"""Ingest a .txt, .html or feed file (or standard input with `-`) now, in this process."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims_tracker.claims.models import Article
from claims_tracker.ingest import services
from claims_tracker.ingest.feeds import parse_feed
from claims_tracker.ingest.reporting import article_as_json

from ._progress import Progress
from .ingest_url import emit, json_dumps

MAX_FILE_BYTES = 20 * 1024 * 1024
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".feed"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class Command(BaseCommand):
    help = (
        "Ingest a .txt (text kept unchanged, offsets point into it), .html (main text extracted) or feed file "
        "(each entry's link fetched). `-` reads standard input. --json prints one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file, or - for standard input.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on standard output.")
        parser.add_argument("--kind", choices=["text", "html", "feed"], help="Override the guess from the name.")
        parser.add_argument("--title", default="", help="Title for a text file (default: its first line).")
        parser.add_argument("--url", default="", help="Where an .html file came from, if known.")
        parser.add_argument("--progress", action="store_true", help="Show progress even when not on a terminal.")

    def handle(self, *args, **options):
        say = Progress(self.stderr, enabled=True if options["progress"] else None)
        path = options["path"]
        data = _read(path)
        kind = options["kind"] or _guess_kind(path, data)
        say(f"{path}: {len(data):,} bytes, read as {kind}")
        if kind == "feed":
            self._feed(data, as_json=options["json"], say=say)
            return
        if kind == "html":
            try:
                article = services.article_from_html(html=data, url=options["url"])
            except services.IngestError as exc:
                raise CommandError(f"--url: {exc.message}") from None
        else:
            text = _decode_text(data)
            try:
                article, _created = services.article_submit_text(text=text, title=options["title"], enqueue=False)
            except services.IngestError as exc:
                raise CommandError(exc.message) from None
        final = services.article_run_inline(article.pk, progress=lambda step: say(f"article {article.pk}: {step}"))
        if final is None:
            raise CommandError("The article disappeared while it was being ingested.")
        emit(self, final, as_json=options["json"], say=say)

    def _feed(self, data: bytes, *, as_json: bool, say) -> None:
        parsed = parse_feed(data)
        if parsed.broken:
            if as_json:
                self.stdout.write(json_dumps({"feed": _feed_json(parsed), "articles": []}))
            raise CommandError(f"Broken feed: {parsed.error}")
        articles: list[Article] = []
        links = [e for e in parsed.entries if e.link]
        for n, entry in enumerate(links, 1):
            say(f"entry {n}/{len(links)}: {entry.link}")
            try:
                article, _created = services.article_for_url(
                    url=services.validate_url_for_ingest(entry.link),
                    title=entry.title,
                    published_at=entry.published,
                    enqueue=False,
                )
            except services.IngestError as exc:
                say(f"  refused: {exc.message}")
                continue
            final = services.article_run_inline(article.pk, progress=lambda step: say(f"  {step}"))
            if final is not None and final not in articles:
                articles.append(final)
        if as_json:
            self.stdout.write(
                json_dumps({"feed": _feed_json(parsed), "articles": [article_as_json(a) for a in articles]})
            )
            return
        self.stdout.write(f"{parsed.title or 'Feed'}: {len(parsed.entries)} entries, {len(articles)} articles")
        for article in articles:
            self.stdout.write(f"  {article.get_ingest_state_display():<10} {article.title or article.link}")


def _read(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CommandError(f"The input is larger than {MAX_FILE_BYTES:,} bytes.")
    if not data.strip():
        raise CommandError("The input is empty.")
    return data


def _guess_kind(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix == ".txt":
        return "text"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:500].lower()
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) or b"jsonfeed.org" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"The text is not valid UTF-8 ({exc}); convert it first.") from None


def _feed_json(parsed) -> dict:
    return {"title": parsed.title, "version": parsed.version, "broken": parsed.broken, "error": parsed.error}
