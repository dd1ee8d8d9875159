"""The app's side of bench_feeds.py: its Feed rows, its celery processes, and the accounting of items.

Everything goes through the app's models and the `celery` command, as an operator would run it.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_worker() -> str:
    from django.conf import settings

    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    return f"-Q {','.join(sorted(queues))} --concurrency 2"


def worker_queues(specs: list[str]) -> set[str]:
    queues = {"ingest", "default"}
    for spec in specs:
        words = shlex.split(spec)
        for flag, value in zip(words, words[1:], strict=False):
            if flag in ("-Q", "--queues"):
                queues.update(value.split(","))
    return queues


def start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the group this process leads (a worker and its pool), SIGKILL after `timeout`."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_for_workers(count: int, procs: list[subprocess.Popen], timeout: float = 180) -> None:
    from claims_tracker.celery import app

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(proc.poll() is not None for proc in procs):
            raise RuntimeError("a worker exited while starting: see its log")
        if len(app.control.ping(timeout=1.0) or []) >= count:
            return
    raise TimeoutError(f"{count} workers did not answer a ping within {timeout:.0f} s")


def reset(queues: set[str]) -> None:
    import redis
    from django.conf import settings

    from claims_tracker.claims.models import Article
    from claims_tracker.ingest.models import Feed, FeedEntry

    FeedEntry.objects.all().delete()
    Feed.objects.all().delete()
    Article.objects.all().delete()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(*queues, "unacked", "unacked_index")


def create_feeds(n: int, port: int, interval: int, hosts: int) -> None:
    from email.utils import formatdate

    from django.utils import timezone

    from bench.feeds_server import BASE_TIME, host_address
    from claims_tracker.ingest.models import Feed, FeedStatus

    # As if polled before (the validators of the server's empty feed): the steady state, conditional GETs.
    later = timezone.now() + timedelta(days=365)
    modified = formatdate(BASE_TIME, usegmt=True)
    feeds = [
        Feed(
            url=f"http://{host_address(i % hosts)}:{port}/f/{i}",
            title=f"Bench feed {i}",
            poll_interval=interval,
            # Held at the interval asked: the bench measures the full rate, not the adaptive slowing of quiet feeds.
            poll_interval_min=interval,
            poll_interval_max=interval,
            etag=f'"{i}-0"',
            last_modified=modified,
            active=False,
            next_poll_at=later,
            last_status=FeedStatus.NOT_MODIFIED,
        )
        for i in range(n)
    ]
    Feed.objects.bulk_create(feeds, batch_size=2000)


def activate(feed_table: str, interval: int, n: int) -> None:
    """Every feed active, first due times spread evenly over one interval from now."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {feed_table} AS f SET active = true,
                    next_poll_at = now() + r.rank * %s * interval '1 second'
                FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM {feed_table}) AS r
                WHERE f.id = r.id""",
            [interval / n],
        )


def accounting() -> dict[str, int]:
    from claims_tracker.claims.models import Article, IngestState
    from claims_tracker.ingest.models import FeedEntry

    entries = FeedEntry.objects.all()
    return {
        "entries": entries.count(),
        "done": entries.filter(article__ingest_state=IngestState.DONE).count(),
        "failed": entries.filter(article__ingest_state=IngestState.FAILED).count(),
        "articles": Article.objects.count(),
    }


def drain(served: int, timeout: float) -> dict[str, int]:
    end = time.monotonic() + timeout
    while True:
        counts = accounting()
        if counts["entries"] >= served and counts["done"] + counts["failed"] >= counts["entries"]:
            return counts
        if time.monotonic() > end:
            print(f"   drain: still waiting after {timeout:.0f} s: {counts}")
            return counts
        time.sleep(2)
