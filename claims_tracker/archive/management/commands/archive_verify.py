"""Re-hash every archive record: the stored file against its recorded SHA-256, and the WARC payload against the
page's. Prints each mismatch; exits 1 when there is any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from claims_tracker.archive import services
from claims_tracker.archive.models import ArchiveRecord


class Command(BaseCommand):
    help = "Re-hash every archived WARC record and report any mismatch (exit status 1 when there is one)."

    def handle(self, *args, **options) -> None:
        checked = bad = 0
        for record in ArchiveRecord.objects.order_by("pk").iterator(chunk_size=500):
            checked += 1
            problem = services.record_verify(record)
            if problem:
                bad += 1
                self.stderr.write(f"record {record.pk} ({record.url}): {problem}")
        self.stdout.write(f"{checked} record(s) checked, {bad} mismatch(es).")
        if bad:
            raise CommandError(f"{bad} archive record(s) do not match their recorded SHA-256.", returncode=1)
