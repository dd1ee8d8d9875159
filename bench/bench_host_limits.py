"""The cost of politeness per host (claims_tracker/ingest/politeness.py): microseconds per slot taken and given
back, through Redis (one EVALSHA and one ZREM) and through the in-process fallback used while Redis is down,
from 1 and from 16 threads (a poller's thread pool), each thread on hosts of its own so nobody waits.

    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/bench_host_limits.py [--slots 5000]

Prints figures; asserts nothing. Keys it leaves in Redis (claims_tracker:host:*) are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")


def run(limiter, *, threads: int, slots: int) -> float:
    """Microseconds per slot (take + give back), wall time over all threads."""
    from claims_tracker.ingest import politeness

    politeness.limiter = limiter

    def work(n: int) -> None:
        for i in range(slots // threads):
            with politeness.host_slot(f"http://bench-{n}-{i % 50}.example/rss"):
                pass

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return (time.perf_counter() - start) / slots * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slots", type=int, default=5000)
    args = parser.parse_args()
    import django

    django.setup()
    import redis
    from django.conf import settings

    from claims_tracker.ingest import politeness

    # Spacing off (each host is used every 50th slot; no wait is measured), the concurrency check on.
    settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS = 2, 0
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"

    def client_for(address: str) -> redis.Redis:
        # As django-redis builds the cache's client (a pool from the URL): no client-side retries.
        return redis.Redis(connection_pool=redis.ConnectionPool.from_url(address, socket_connect_timeout=0.2))

    client = client_for(url)
    print(f"politeness per host: {args.slots} slots; Redis at {url}")
    for threads in (1, 16):
        shared = run(politeness.HostLimiter(client), threads=threads, slots=args.slots)
        down = politeness.HostLimiter(client_for("redis://127.0.0.1:1/0"))  # nothing listens on port 1
        local = run(down, threads=threads, slots=args.slots)
        print(f"  {threads:>2} thread(s): Redis {shared:8.1f} µs/slot   in-process fallback {local:8.1f} µs/slot")
    politeness.HostLimiter(client).forget()


if __name__ == "__main__":
    main()
