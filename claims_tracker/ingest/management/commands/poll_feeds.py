"""Poll every active feed once, now, in this process (or only the due ones with --due)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from claims_tracker.ingest import polling
from claims_tracker.ingest.models import Feed

from ._progress import Progress


class Command(BaseCommand):
    help = "Poll feeds now. New articles are queued for the workers (or run here when no broker is configured)."

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="Only feeds whose next poll time has come.")
        parser.add_argument("--feed", type=int, action="append", help="Only this feed id (repeatable).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with each feed's outcome.")

    def handle(self, *args, **options):
        say = Progress(self.stderr)
        wanted = options["feed"]
        if wanted is None and not options["due"]:
            wanted = list(Feed.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
        # The same claim as the beat's fan-out: a poll already under way elsewhere is not repeated.
        ids = polling.feeds_claim_due(feed_ids=wanted)
        outcomes = []
        for n, feed_id in enumerate(ids, 1):
            # Every poll ends recorded, failed or not (feed_poll): one feed never holds up the others.
            result = polling.feed_poll(feed_id)
            outcomes.append(result)
            line = f"feed {feed_id} ({n}/{len(ids)}): {result.status}"
            line += (
                f", {result.error}" if result.error else f", {result.new_entries} new, {result.new_articles} articles"
            )
            say(line)
        if options["json"]:
            self.stdout.write(json.dumps({"feeds": [o.__dict__ for o in outcomes]}, indent=2))
            return
        failed = [o for o in outcomes if o.error]
        self.stdout.write(f"Polled {len(outcomes)} feed(s); {len(failed)} failed.")
        urls = dict(Feed.objects.filter(pk__in=[o.feed_id for o in failed]).values_list("pk", "url"))
        for o in failed:
            self.stdout.write(f"  feed {o.feed_id} ({urls.get(o.feed_id, '?')}): {o.status}, {o.error}")
