"""What bench_feeds.py measures besides the server's counters: each poll's lag, and CPU and RSS per process.

Lag: a trigger on the feed table (put in the benchmark's database for the run, dropped after) logs every poll as
the app records it: the feed, `last_polled_at` (when the poll ended: a slow answer counts) and the `next_poll_at`
the poll set. A poll's due time is the `next_poll_at` the feed's previous poll set (the first one's is the time the
benchmark gave it), so the lag is read from the app's own columns, whatever way it claims, spaces or adapts its
polls. A feed due before the end of the run and not polled by then counts with the lag it had at the end (at least
that much), so a backlog cannot hide by not being polled.

Processes: CPU seconds (user + system) and RSS of a process with its children (a prefork worker's pool), read
with psutil, sampled every few seconds; the PostgreSQL backends connected to the benchmark's database too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import psutil
from django.db import connection

LOG_TABLE = "bench_feed_polls"


def install_poll_log(feed_table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {LOG_TABLE}")
        cur.execute(
            f"CREATE TABLE {LOG_TABLE} (id bigserial PRIMARY KEY, feed_id bigint NOT NULL, "
            "polled_at timestamptz, next_poll_at timestamptz NOT NULL, status text NOT NULL DEFAULT '')"
        )
        cur.execute(
            f"""CREATE OR REPLACE FUNCTION {LOG_TABLE}_log() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {LOG_TABLE} (feed_id, polled_at, next_poll_at, status)
                VALUES (NEW.id, NEW.last_polled_at, NEW.next_poll_at, NEW.last_status);
                RETURN NULL;
            END $$"""
        )
        cur.execute(
            f"CREATE TRIGGER {LOG_TABLE}_trigger AFTER UPDATE ON {feed_table} FOR EACH ROW "
            f"WHEN (NEW.last_polled_at IS DISTINCT FROM OLD.last_polled_at) EXECUTE FUNCTION {LOG_TABLE}_log()"
        )


def remove_poll_log(feed_table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TRIGGER IF EXISTS {LOG_TABLE}_trigger ON {feed_table}")
        cur.execute(f"DROP FUNCTION IF EXISTS {LOG_TABLE}_log()")
        cur.execute(f"DROP TABLE IF EXISTS {LOG_TABLE}")


def log_first_dues(feed_table: str) -> None:
    """The due time the benchmark gave each feed, as the first row of its log."""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {LOG_TABLE} (feed_id, next_poll_at) SELECT id, next_poll_at FROM {feed_table}")


@dataclass
class Lags:
    polls: int  # polls that ended within the window
    lags: list[float]  # seconds past due of those polls, and of the feeds still waiting at the end
    waiting: int  # feeds due within the window, not polled by its end
    statuses: dict[str, int]

    def percentile(self, p: float) -> float:
        if not self.lags:
            return float("nan")
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def poll_lags(start: datetime, end: datetime) -> Lags:
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT polled_at, due, status FROM (
                    SELECT polled_at, status, LAG(next_poll_at) OVER (PARTITION BY feed_id ORDER BY id) AS due
                    FROM {LOG_TABLE}) AS p
                WHERE polled_at > %s AND polled_at <= %s""",
            [start, end],
        )
        rows = cur.fetchall()
        cur.execute(
            f"""SELECT due FROM (
                    SELECT DISTINCT ON (feed_id) polled_at, next_poll_at AS due FROM {LOG_TABLE}
                    WHERE polled_at IS NULL OR polled_at <= %s ORDER BY feed_id, id DESC) AS last
                WHERE due < %s""",
            [end, end],
        )
        waiting = [row[0] for row in cur.fetchall()]
    statuses: dict[str, int] = {}
    for _polled, _due, status in rows:
        statuses[status or "new"] = statuses.get(status or "new", 0) + 1
    lags = [max(0.0, (polled - due).total_seconds()) for polled, due, _ in rows if due is not None]
    lags += [(end - due).total_seconds() for due in waiting]
    return Lags(len(rows), lags, len(waiting), statuses)


@dataclass
class Usage:
    cpu_start: float = 0.0
    cpu_end: float = 0.0
    rss_start: int = 0
    rss_max: int = 0
    rss_end: int = 0
    seen: dict[int, float] = field(default_factory=dict)  # pid -> its last CPU seconds (a pool's children)


class Sampler:
    """CPU and RSS of named process trees (and of a database's backends), sampled on demand."""

    def __init__(self, roots: dict[str, int], database: str):
        self.roots = roots
        self.database = database
        self.usage = {name: Usage() for name in [*roots, "postgres backends"]}

    def _processes(self, name: str) -> list[psutil.Process]:
        if name == "postgres backends":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database]
                )
                pids = [row[0] for row in cur.fetchall()]
            found = []
            for pid in pids:
                try:
                    found.append(psutil.Process(pid))
                except psutil.Error:
                    continue
            return found
        try:
            root = psutil.Process(self.roots[name])
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def sample(self, *, first: bool = False) -> None:
        for name, usage in self.usage.items():
            rss = 0
            for proc in self._processes(name):
                try:
                    with proc.oneshot():
                        times = proc.cpu_times()
                        usage.seen[proc.pid] = times.user + times.system
                        rss += proc.memory_info().rss
                except psutil.Error:
                    continue
            # Processes gone since (a replaced pool child, a closed backend) keep their last reading.
            cpu = sum(usage.seen.values())
            if first:
                usage.cpu_start, usage.rss_start = cpu, rss
            usage.rss_max = max(usage.rss_max, rss)
            usage.cpu_end, usage.rss_end = cpu, rss

    def lines(self, polls: int) -> list[str]:
        out = []
        for name, u in self.usage.items():
            cpu = u.cpu_end - u.cpu_start
            per = f"{cpu / polls * 1000:6.1f} ms/poll" if polls else "   - ms/poll"
            out.append(
                f"  {name:<18} CPU {cpu:8.1f} s ({per})  RSS MB start {u.rss_start / 2**20:6.0f}  "
                f"max {u.rss_max / 2**20:6.0f}  end {u.rss_end / 2**20:6.0f}"
            )
        return out
