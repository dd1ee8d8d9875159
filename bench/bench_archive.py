"""Evidence archive: bytes per article and time per archive, on our own page fixtures.

Pages: the seed report as a page (tests/ingest/pages.py), our extraction fixtures (tests/ingest/data/pages) and,
when ../shared is beside the clone, the 10 corpus article pages. Each is fetched once through safe_fetch from a
local HTTP server (tests/ingest/server.py), then archived `--rounds` times with `record_store` into a temporary
filesystem storage: build the gzip'd WARC record, save it, insert the row (the row and file are deleted between
rounds so each round does the whole write). Also timed: a second archive of the same bytes (the de-duplication
hit: one indexed SELECT). Prints figures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_archive_bench .venv/bin/python bench/bench_archive.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_archive_bench")
os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
os.environ["DJANGO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-archive-")


def pages() -> dict[str, bytes]:
    from tests.ingest.pages import seed_page

    found = {"seed (soledar)": seed_page().encode()}
    for folder in (
        ROOT / "tests" / "ingest" / "data" / "pages",
        ROOT.parent / "shared" / "corpus" / "articles" / "html",
    ):
        for path in sorted(folder.glob("*.html")) if folder.exists() else []:
            found[path.name] = path.read_bytes()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    import django
    from dbsetup import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from claims_tracker.archive import services
    from claims_tracker.archive.models import ArchiveRecord
    from claims_tracker.ingest.fetching import safe_fetch
    from tests.ingest.server import LocalServer

    ArchiveRecord.objects.all().delete()
    storage = services.archive_storage()
    server = LocalServer()
    rows = []
    try:
        for name, body in pages().items():
            result = safe_fetch(server.route("/" + name.replace(" ", "_"), body))
            writes, hits = [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                record = services.record_store(result=result)
                writes.append(time.perf_counter() - start)
                start = time.perf_counter()
                services.record_store(result=result)
                hits.append(time.perf_counter() - start)
                size = record.file_size
                storage.delete(record.file_name)
                record.delete()
            rows.append((name, len(body), size, statistics.median(writes), statistics.median(hits)))
    finally:
        server.close()
    print(f"{'page':48} {'payload':>10} {'warc.gz':>9} {'ratio':>6} {'archive ms':>10} {'dedup ms':>9}")
    for name, payload, size, write, hit in rows:
        print(
            f"{name[:48]:48} {payload:>10,} {size:>9,} {size / payload:>6.2f} {write * 1000:>10.2f} {hit * 1000:>9.2f}"
        )
    payloads = [r[1] for r in rows]
    sizes = [r[2] for r in rows]
    print(
        f"\n{len(rows)} pages, {args.rounds} rounds each (median per page). Bytes stored per article: mean "
        f"{statistics.mean(sizes):,.0f} (payload mean {statistics.mean(payloads):,.0f}, "
        f"{sum(sizes) / sum(payloads):.2f} of it). Time per archive: median "
        f"{statistics.median(r[3] for r in rows) * 1000:.2f} ms, slowest page {max(r[3] for r in rows) * 1000:.2f} ms; "
        f"de-duplicated: median {statistics.median(r[4] for r in rows) * 1000:.2f} ms."
    )
    print("load average: {:.2f} {:.2f} {:.2f} on {} cores".format(*os.getloadavg(), os.cpu_count()))


if __name__ == "__main__":
    main()
