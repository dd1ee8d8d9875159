"""Reader page cache benchmark on a real server (gunicorn as deployed, one worker) at 100k and 1M claims.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_reader_cache.py [100000 1000000]

For each size: fills the database with synthetic claims (bench/synthetic.py) unless they are there,
starts three gunicorn servers on 127.0.0.1: one with both caches on as deployed (the front cache,
claims/front_cache.py, READER_FRONT_CACHE_SECONDS at its default, in front of the page cache,
READER_PAGE_CACHE_SECONDS), one with the page cache alone (front cache off), and one with both off;
and times, for a claim page (the "viral" one: the newest claim) and the claims list:
  - uncached: rendered afresh (the server with both caches off);
  - cached: the server as deployed, warm: the front cache serves it, and Django's page cache the
    request that finds the front copy expired (once a READER_FRONT_CACHE_SECONDS);
  - 304: If-None-Match with the page's ETag, on that server;
  - page cached / page 304: the same on the server with the page cache alone, inside Django;
  - fortunes: the fortunes-style reference for the same rows (bench/fortunes.py: one plain query,
    a tiny escaped template), served by the uncached server beside the app's pages (so never
    through the front cache either).
Each line says which layer answered (the X-Reader-Cache header: "front", "hit" for the page cache,
"-" for Django rendering it). Goals (issue #19): cached and 304 each >= 10x the uncached rate;
uncached >= 0.33x the fortunes rate. Requests are sequential over one keep-alive connection per
server (kept 300 s: one waits while another server is timed), opened afresh each round; the variants
run interleaved in rounds of 25 so a slow spell on a shared machine falls on all of them alike. Set
REDIS_URL to measure with Redis as deployed.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

from bench.bench_api import _load, free_port, p, timed  # noqa: E402
from claims_tracker.claims.models import Claim  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
VARIANTS = ("fortunes", "uncached", "cached", "304", "page cached", "page 304")


SERVER_ENV = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
              "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "0",
              "AXES_ENABLED": "0", "GUNICORN_KEEPALIVE": "300"}  # fmt: skip


def start_server(page_cache_seconds: int, front_cache: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**SERVER_ENV, "READER_PAGE_CACHE_SECONDS": str(page_cache_seconds)}
    env.pop("READER_FRONT_CACHE_SECONDS", None)  # on: its default, as deployed
    if not front_cache:
        env["READER_FRONT_CACHE_SECONDS"] = "0"
    if not page_cache_seconds:  # the uncached server also serves the fortunes-style reference
        env["DJANGO_SETTINGS_MODULE"] = "bench.fortunes_settings"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "claims_tracker.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-c", str(ROOT / "gunicorn.conf.py"), "-w", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def etag_of(conn: http.client.HTTPConnection, url: str) -> str:
    conn.request("GET", url)
    response = conn.getresponse()
    response.read()
    assert response.status == 200, (url, response.status)
    return response.getheader("ETag")


def timed_layers(conn: http.client.HTTPConnection, url: str, n: int, layers: Counter, headers: dict | None = None,
                 expect: int = 200) -> list[float]:  # fmt: skip
    """bench_api.timed, counting which layer answered each request (its X-Reader-Cache header)."""
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        conn.request("GET", url, headers=headers or {})
        response = conn.getresponse()
        response.read()
        timings.append(time.perf_counter() - started)
        assert response.status == expect, (url, response.status)
        layers[response.getheader("X-Reader-Cache") or "-"] += 1
    return timings


def run_size(n: int) -> None:
    from bench.synthetic import ensure_synthetic_claims

    ensure_synthetic_claims(n)
    total = Claim.objects.filter(merged_into__isnull=True).count()
    viral = Claim.objects.filter(merged_into__isnull=True).order_by("-claimed_at", "-id").first()
    pages = {"claim page": viral.get_absolute_url(), "claims list": "/"}
    references = {"claim page": f"/bench-fortunes/claims/{viral.pk}/", "claims list": "/bench-fortunes/"}
    servers = {
        "deployed": start_server(3600, front_cache=True),
        "page only": start_server(3600, front_cache=False),
        "uncached": start_server(0, front_cache=False),
    }
    # variant -> (server, conditional)
    plan = {
        "fortunes": ("uncached", False),
        "uncached": ("uncached", False),
        "cached": ("deployed", False),
        "304": ("deployed", True),
        "page cached": ("page only", False),
        "page 304": ("page only", True),
    }
    try:
        conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=60) for name, (_, port) in servers.items()}
        times: dict[tuple[str, str], list[float]] = {}
        layers: dict[tuple[str, str], Counter] = {}
        etags = {}
        for name, url in pages.items():
            timed(conns["uncached"], url, 10)  # warm-up (and the cached servers store the page)
            timed(conns["uncached"], references[name], 10)
            timed(conns["deployed"], url, 10)
            timed(conns["page only"], url, 10)
            etags[name] = etag_of(conns["deployed"], url)
            assert etag_of(conns["page only"], url) == etags[name], "the two cached servers disagree on the ETag"
            for variant in VARIANTS:
                times[(name, variant)] = []
                layers[(name, variant)] = Counter()
        rounds = max(1, REQUESTS // 25)
        load_before = os.getloadavg()
        for i in range(rounds):
            n_round = REQUESTS // rounds + (1 if i < REQUESTS % rounds else 0)
            for conn in conns.values():
                conn.close()  # reopened by the next request
            for name, url in pages.items():
                for variant in VARIANTS:
                    server, conditional = plan[variant]
                    target = references[name] if variant == "fortunes" else url
                    headers, expect = ({"If-None-Match": etags[name]}, 304) if conditional else (None, 200)
                    times[(name, variant)] += timed_layers(
                        conns[server], target, n_round, layers[(name, variant)], headers, expect
                    )
        load_after = os.getloadavg()
    finally:
        for server, _ in servers.values():
            stop(server)
    rps = lambda t: len(t) / sum(t)  # noqa: E731
    print(f"\n== {n:,} synthetic claims ({total:,} listed), {REQUESTS} requests each, gunicorn -w 1 ==")
    print(f"load average (1/5/15 min): before {_load(load_before)}, after {_load(load_after)}")
    for name in pages:
        for variant in VARIANTS:
            t = times[(name, variant)]
            served = ", ".join(f"{layer} {count}" for layer, count in layers[(name, variant)].most_common())
            print(f"{name + ', ' + variant:<26}: {rps(t):7.1f} req/s  p50 {p(t, 50):6.2f} ms  p95 {p(t, 95):6.2f} ms"
                  f"  served by: {served}")  # fmt: skip
        base = rps(times[(name, "uncached")])
        ratio = {variant: rps(times[(name, variant)]) / base for variant in VARIANTS}
        print(f"-> {name}: cached / uncached {ratio['cached']:.1f}x, 304 / uncached {ratio['304']:.1f}x "
              f"(goals >= 10x; page cache alone {ratio['page cached']:.1f}x, {ratio['page 304']:.1f}x); "
              f"uncached / fortunes {base / rps(times[(name, 'fortunes')]):.2f}x (goal >= 0.33x)")  # fmt: skip


def main() -> None:
    from bench.dbsetup import ensure_migrated_database

    ensure_migrated_database()
    # Hashed static names, as in production (DEBUG off reads the manifest).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=SERVER_ENV,
                   check=True)  # fmt: skip
    for n in [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]:
        run_size(n)


if __name__ == "__main__":
    main()
