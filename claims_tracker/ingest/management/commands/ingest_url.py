"""Ingest one article by URL now, in this process: fetch, extract, dedupe, find candidates."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from claims_tracker.claims.models import IngestState
from claims_tracker.ingest import services
from claims_tracker.ingest.reporting import article_as_json

from ._progress import Progress


class Command(BaseCommand):
    help = "Fetch and ingest one article now. With --json, print the article and its candidates as one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on standard output.")
        parser.add_argument("--progress", action="store_true", help="Show progress even when not on a terminal.")

    def handle(self, *args, **options):
        url = options["url"]
        say = Progress(self.stderr, enabled=True if options["progress"] else None)
        try:
            article, _created = services.article_for_url(url=services.validate_url_for_ingest(url), enqueue=False)
        except services.IngestError as exc:
            raise CommandError(exc.message) from None
        say(f"article {article.pk}: {url}")
        final = services.article_run_inline(article.pk, progress=lambda step: say(f"article {article.pk}: {step}"))
        if final is None:
            raise CommandError("The article disappeared while it was being ingested.")
        emit(self, final, as_json=options["json"], say=say)


def emit(command: BaseCommand, article, *, as_json: bool, say) -> None:
    data = article_as_json(article)
    if as_json:
        command.stdout.write(json_dumps(data))
    else:
        command.stdout.write(f"{article.title or article.link}: {article.get_ingest_state_display()}")
        for c in data["candidates"]:
            who = c["claimant"]["name"] if c["claimant"] else f"{c['speaker']} (unmatched)"
            command.stdout.write(f"  {c['stance']:<8} {who}: {(c['quote'] or c['statement'])[:100]}")
    say(f"article {article.pk}: {article.ingest_state}, {len(data['candidates'])} candidates")
    if article.ingest_state == IngestState.FAILED:
        raise CommandError(f"Ingestion failed: {article.last_error}")


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
