"""API benchmark on a real server (gunicorn as deployed, gunicorn.conf.py, with one worker) at 100k and 1M claims.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_api_bench .venv/bin/python bench/bench_api.py [100000 1000000]

For each size: fills the database with synthetic claims (bench/synthetic.py), starts gunicorn on
127.0.0.1 serving the project plus one bare view (`.values()` + JsonResponse of the same 100 rows,
no DRF), and prints:
  - list throughput at page size 100: /api/v1/claims/ vs the bare view (goal: >= 0.5x);
  - p50/p95 of the first page and of a page deep in the cursor (goal: deep p95 <= 1.5x first);
  - 304 (If-None-Match) throughput vs full responses (goal: >= 4x, issue #15);
  - for scale, the server's floor: an empty JSON view behind the same middleware.
Requests are sequential over one keep-alive connection, so the figures are per-request cost. The
five variants run interleaved in rounds of 25, and the load average is printed beside them: on
a shared machine, compare ratios from one run rather than absolute figures across runs.
Set REDIS_URL to measure with the Redis cache (throttle counters) as deployed.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from claims_tracker.claims.models import Claim  # noqa: E402

PAGE = 100
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))


def bare_list(request):
    """The floor: the same 100 rows, no DRF, no serializer, no throttling, no conditional headers."""
    rows = list(
        Claim.objects.filter(merged_into__isnull=True)
        .order_by("-updated_at", "-id")
        .values("id", "text", "status", "status_changed_at", "claimant__slug", "claimant__name", "claimed_at",
                "version", "merged_into_id", "created_at", "updated_at")[:PAGE]
    )  # fmt: skip
    return JsonResponse({"results": rows})


def empty(request):
    """The server's floor: HTTP, gunicorn and the middleware, no query, no work."""
    return JsonResponse({})


urlpatterns = [path("bench/bare/", bare_list), path("bench/empty/", empty), path("", include("claims_tracker.urls"))]
# Inside gunicorn this module is the URLconf: the project's URLs plus the two bench views.
if os.environ.get("BENCH_API_SERVER") == "1":
    settings.ROOT_URLCONF = "bench.bench_api"
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(conn: http.client.HTTPConnection, url: str, n: int, headers: dict | None = None, expect: int = 200):
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        conn.request("GET", url, headers=headers or {})
        response = conn.getresponse()
        response.read()
        timings.append(time.perf_counter() - started)
        assert response.status == expect, (url, response.status)
    return timings


def p(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] * 1000


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def run_size(n: int) -> None:
    from bench.synthetic import ensure_synthetic_claims
    from claims_tracker.api.views.claims import CLAIM_ORDERINGS

    ensure_synthetic_claims(n)
    total = Claim.objects.filter(merged_into__isnull=True).count()
    deep_row = (
        Claim.objects.filter(merged_into__isnull=True)
        .order_by("-updated_at", "-id")
        .values("updated_at", "id")[int(total * 0.9)]
    )
    deep_cursor = CLAIM_ORDERINGS["updated"].encode([deep_row["updated_at"], deep_row["id"]])
    port = free_port()
    env = {**os.environ, "BENCH_API_SERVER": "1", "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "0",
           "API_THROTTLE_ANON": "1000000/minute", "API_THROTTLE_USER": "1000000/minute",
           "AXES_ENABLED": "0"}  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "bench.bench_api:application", "-b", f"127.0.0.1:{port}",
         "-c", str(ROOT / "gunicorn.conf.py"), "-w", "1", "--log-level", "warning",
         *os.environ.get("BENCH_GUNICORN_ARGS", "").split()],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        api_first = f"/api/v1/claims/?page_size={PAGE}"
        api_deep = f"{api_first}&cursor={deep_cursor}"
        for url in (api_first, api_deep, "/bench/bare/"):
            timed(conn, url, 10)  # warm-up
        conn.request("GET", api_first)
        response = conn.getresponse()
        response.read()
        etag = response.getheader("ETag")
        # Interleaved in rounds, so a burst of load from elsewhere on the machine hits every
        # variant alike rather than whichever happened to run during it.
        bare, first, deep, not_modified, floor = [], [], [], [], []
        rounds = max(1, REQUESTS // 25)
        load_before = os.getloadavg()
        for i in range(rounds):
            n_round = REQUESTS // rounds + (1 if i < REQUESTS % rounds else 0)
            bare += timed(conn, "/bench/bare/", n_round)
            first += timed(conn, api_first, n_round)
            deep += timed(conn, api_deep, n_round)
            not_modified += timed(conn, api_first, n_round, {"If-None-Match": etag}, expect=304)
            floor += timed(conn, "/bench/empty/", n_round)
        load_after = os.getloadavg()
        rps = lambda t: len(t) / sum(t)  # noqa: E731
        print(f"\n== {n:,} synthetic claims ({total:,} listed), page size {PAGE}, {REQUESTS} requests each ==")
        print(f"load average (1/5/15 min): before {_load(load_before)}, after {_load(load_after)}")
        for label, t in (
            ("bare .values()+JsonResponse", bare),
            ("API list, first page", first),
            ("API list, page at 90% depth", deep),
            ("API list, 304 If-None-Match", not_modified),
            ("floor: empty JSON view", floor),
        ):
            print(f"{label:<28}: {rps(t):7.1f} req/s  p50 {p(t, 50):6.1f} ms  p95 {p(t, 95):6.1f} ms")  # fmt: skip
        print(f"-> API / bare throughput    : {rps(first) / rps(bare):.2f}x (goal >= 0.5x)")
        print(f"-> deep p95 / first p95     : {p(deep, 95) / p(first, 95):.2f}x (goal <= 1.5x)")
        print(f"-> 304 / full throughput    : {rps(not_modified) / rps(first):.2f}x (goal >= 4x)")
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    from bench.dbsetup import ensure_migrated_database

    ensure_migrated_database()
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    for n in sizes:
        run_size(n)


if __name__ == "__main__":
    main()
