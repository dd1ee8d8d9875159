"""Reader-site benchmark: server time of the claims list, a deep keyset page, a search and a claim page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench .venv/bin/python bench/bench_reader.py [100000 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_reader.py --pair \
        100000=postgres://postgres@127.0.0.1:5432/ct_bench_100k 1000000=postgres://postgres@127.0.0.1:5432/ct_bench_1m

With --pair, each size has its own database and both are timed in one process in alternating
rounds (a shared machine's slow spells then fall on both sizes alike); the ratio is printed per page.

Loads synthetic claims (bench/synthetic.py) up to each size in turn, then times requests made
in-process with django.test.Client (the full Django stack: URL resolution, view, ORM, template
rendering; no network or WSGI server), and prints median and p95 per page, the number of
queries, and EXPLAIN ANALYZE of each page's main query to show which indexes it uses.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
# Production settings by default (DEBUG off: no query log, cached templates, hashed static files);
# BENCH_DEBUG=1 measures the development setting instead.
os.environ["DJANGO_DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
# Pages rendered afresh: the page cache would serve stored copies after the warm-up and hide the queries' growth
# with the table (bench_reader_cache.py measures the cache). READER_PAGE_CACHE_SECONDS=3600 measures it on.
os.environ.setdefault("READER_PAGE_CACHE_SECONDS", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-bench-only-secret-bench-only-secret-0123")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.models import Claim  # noqa: E402
from claims_tracker.claims.pagination import SORTS, encode_cursor  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
WARMUP = 5


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_page(client: Client, urls: list[str]) -> tuple[float, float, int]:
    for url in urls[:WARMUP]:
        client.get(url)
    timings = time_rounds(client, urls, RUNS)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    return statistics.median(timings), percentile(timings, 95), len(ctx.captured_queries)


def time_rounds(client: Client, urls: list[str], runs: int, start: int = 0) -> list[float]:
    timings = []
    for i in range(start, start + runs):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def explain_queries(client: Client, url: str) -> list[tuple[str, str]]:
    """EXPLAIN ANALYZE every query of one request, the claims query (the one with LIMIT) first."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    plans.sort(key=lambda p: not re.search(r'FROM "claims_claim".*LIMIT \d+', p[0]))
    return plans


def indexes_in(plan: str) -> list[str]:
    found = re.findall(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)", plan)
    return sorted({a or b for a, b in found})


def deep_cursor(depth: int) -> str:
    claim = (
        Claim.objects.filter(merged_into__isnull=True)
        .only("pk", "claimed_at")
        .order_by("-claimed_at", "-id")[depth : depth + 1]
        .get()
    )
    return encode_cursor(SORTS["claimed"], claim)


def prepare(size: int) -> dict[str, list[str]]:
    """Load `size` synthetic claims (if missing) and return the pages to time, by name."""
    started = time.monotonic()
    added = ensure_synthetic_claims(size)
    print(f"  ready ({added:,} added in {time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_claim")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM claims_claim ORDER BY id DESC LIMIT 1")
        top = cursor.fetchone()[0]
    if total > size * 1.05:
        print(f"  NOTE: the database already holds {total:,} claims; figures are for {total:,}, not {size:,}")
    print(f"  {total:,} claims in the database")
    claim_ids = [top - (k * 7919) % max(1, total - 1) for k in range(20)]
    deep = deep_cursor(int(total * 0.9))
    return {
        "claims list (newest)": ["/"],
        "claims list (state=disputed, latest change)": ["/?status=disputed&sort=changed"],
        "deep keyset page (90% down)": [f"/?after={deep}"],
        "search 'Soledar' (best match)": ["/?q=Soledar", "/?q=Bakhmut", "/?q=Kherson"],
        "search 'Soledar' (newest)": ["/?q=Soledar&sort=claimed", "/?q=Bakhmut&sort=claimed"],
        "search 'encircled Avdiivka'": ["/?q=encircled+Avdiivka"],
        "search a word no claim has (newest)": ["/?q=Zzyzx&sort=claimed", "/?q=Qwertyuiop&sort=claimed"],
        "claim page": [f"/claims/{pk}/" for pk in claim_ids],
    }


def run(size: int, client: Client) -> dict[str, tuple[float, float, int]]:
    print(f"\n=== {size:,} synthetic claims ===", flush=True)
    pages = prepare(size)
    results = {}
    print(f"  {'page':46} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for name, urls in pages.items():
        median, p95, queries = time_page(client, urls)
        results[name] = (median, p95, queries)
        print(f"  {name:46} {median:10.1f} {p95:9.1f} {queries:8d}", flush=True)
    explain(client, pages)
    return results


def use_database(url: str) -> None:
    """Point the default connection at another database (the next query reconnects)."""
    from dj_database_url import parse

    from claims_tracker.claims import selectors

    connection.close()
    connection.settings_dict["NAME"] = parse(url)["NAME"]
    os.environ["DATABASE_URL"] = url  # for ensure_migrated_database
    selectors.search_statistics_reset()  # word statistics are per database
    cache.clear()  # the cached filter menus too


def run_pair(small: tuple[int, str], large: tuple[int, str], client: Client) -> None:
    """Both sizes in one process, in alternating rounds of 10 requests per page, so a slow spell of
    a shared machine falls on both alike and the ratio compares like with like."""
    pages = {}
    for size, url in (small, large):
        use_database(url)
        print(f"\n=== {size:,} synthetic claims ({connection.settings_dict['NAME']}) ===", flush=True)
        ensure_migrated_database()
        pages[size] = prepare(size)
    sizes = [small[0], large[0]]
    urls_of = dict([small, large])
    print(f"\n  interleaved: {RUNS} runs per page and size, alternating rounds of 10 after {WARMUP} warm-up each")
    head = f"  {'page':46}" + "".join(f" {f'{n // 1000}k median/p95':>19}" for n in sizes)
    print(head + f" {'ratio median/p95':>18} {'queries':>8}")
    for name in pages[sizes[0]]:
        timings: dict[int, list[float]] = {n: [] for n in sizes}
        for n in sizes:
            use_database(urls_of[n])
            for url in pages[n][name][:WARMUP]:
                client.get(url)
        for start in range(0, RUNS, 10):
            for n in sizes:
                use_database(urls_of[n])
                client.get(pages[n][name][0])  # the reconnect and first-query caches stay out of the timing
                timings[n] += time_rounds(client, pages[n][name], min(10, RUNS - start), start)
        with CaptureQueriesContext(connection) as ctx:
            client.get(pages[sizes[-1]][name][0])
        figures = {n: (statistics.median(t), percentile(t, 95)) for n, t in timings.items()}
        cells = "".join(f" {figures[n][0]:9.1f}/{figures[n][1]:<9.1f}" for n in sizes)
        ratio = figures[sizes[1]][0] / figures[sizes[0]][0], figures[sizes[1]][1] / figures[sizes[0]][1]
        print(f"  {name:46}{cells} {ratio[0]:8.2f}x/{ratio[1]:.2f}x {len(ctx.captured_queries):8d}", flush=True)
    print(f"\n  EXPLAIN ANALYZE at {sizes[-1]:,}")
    explain(client, pages[sizes[-1]])


def explain(client: Client, pages: dict[str, list[str]]) -> None:
    print("\n  EXPLAIN ANALYZE per page: every query's time and indexes, the main claims query in full")
    for name, urls in pages.items():
        plans = explain_queries(client, urls[0])
        print(f"\n  -- {name}")
        for i, (sql, plan) in enumerate(plans):
            exec_time = re.search(r"Execution Time: ([\d.]+) ms", plan)
            table = re.search(r'FROM "(\w+)"', sql)
            print(
                f"     q{i + 1} {table.group(1) if table else '?':22} {exec_time.group(1) if exec_time else '?':>8} ms"
                f"  indexes: {', '.join(indexes_in(plan)) or 'none (seq scan)'}"
            )
        print("\n".join("        " + line for line in plans[0][1].splitlines()))


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL bench database, e.g. postgres://postgres@127.0.0.1:5432/ct_bench")
    if sys.argv[1:2] == ["--pair"]:
        # --pair SIZE=DATABASE_URL SIZE=DATABASE_URL: two databases, timed in alternating rounds.
        (small, small_url), (large, large_url) = (a.split("=", 1) for a in sys.argv[2:4])
        print(f"timings: in-process django.test.Client, DEBUG={settings.DEBUG}")
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        run_pair((int(small), small_url), (int(large), large_url), Client(HTTP_HOST="127.0.0.1"))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    print(
        f"database {settings.DATABASES['default']['NAME']}; timings: in-process django.test.Client, "
        f"{RUNS} runs after {WARMUP} warm-up, DEBUG={settings.DEBUG}"
    )
    ensure_migrated_database()
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as in production
    client = Client(HTTP_HOST="127.0.0.1")
    all_results = {size: run(size, client) for size in sizes}
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\n=== {large:,} vs {small:,}: p95 ratio ===")
        for name in all_results[small]:
            ratio = all_results[large][name][1] / max(all_results[small][name][1], 0.001)
            print(f"  {name:46} {ratio:5.2f}x")


if __name__ == "__main__":
    main()
