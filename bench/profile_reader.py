"""Profile the uncached reader pages in-process (cProfile), beside the fortunes-style reference.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench .venv/bin/python bench/profile_reader.py \\
        [--profile] [--sort cumulative|tottime] [--lines 60] [claim list fclaim flist]

Serves through the full Django stack with django.test.Client (DEBUG off, page cache off, the
settings of bench/fortunes_settings.py), on a database bench/synthetic.py filled: the claim page of
the newest claim, the claims list, and their references (fclaim, flist). Prints ms per request over
100 requests after 20 of warm-up and the queries of one request; with --profile, cProfile's
statistics over 100 more requests of each app page. For finding where a page's time goes, not for
figures: bench_reader_cache.py times the pages under gunicorn.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "bench.fortunes_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "READER_PAGE_CACHE_SECONDS": "0",
        "AXES_ENABLED": "0",
    }
)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims_tracker.claims.models import Claim  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*", default=["fclaim", "claim", "flist", "list"])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args()
    newest = Claim.objects.filter(merged_into__isnull=True).order_by("-claimed_at", "-id").first()
    if newest is None:
        sys.exit("No claims: fill the database with bench/synthetic.py first.")
    urls = {
        "claim": newest.get_absolute_url(),
        "list": "/",
        "fclaim": f"/bench-fortunes/claims/{newest.pk}/",
        "flist": "/bench-fortunes/",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    for name in args.pages:
        url = urls[name]
        for _ in range(20):
            client.get(url)
        started = time.perf_counter()
        for _ in range(100):
            response = client.get(url)
        print(f"{name:7} {url:40} {response.status_code} {(time.perf_counter() - started) * 10:6.2f} ms/request")
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        print(f"        {len(ctx.captured_queries)} queries")
        if args.profile and not name.startswith("f"):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(100):
                client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
