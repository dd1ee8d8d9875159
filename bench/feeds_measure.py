"""What bench_feeds.py measures besides the server's counters: each poll's lag, and CPU and RSS per process.

Lag: a trigger on the feed table (put in the benchmark's database for the run, dropped after) logs every poll as
the app records it: the feed, `last_polled_at` (when the poll ended: a slow answer counts) and the `next_poll_at`
the poll set. A poll's due time is the `next_poll_at` the feed's previous poll set (the first one's is the time the
benchmark gave it), so the lag is read from the app's own columns, whatever way it claims, spaces or adapts its
polls. A feed due before the end of the run and not polled by then counts with the lag it had at the end (at least
that much), so a backlog cannot hide by not being polled.

Processes: CPU seconds (user + system) and RSS of a process with its children (a prefork worker's pool), read
with psutil, sampled every few seconds; the PostgreSQL backends connected to the benchmark's database too.

Memory over the run: every process's RSS is kept as a time series (a point every --rss-every s), printed as the RSS
at the end of each minute, with a verdict that keeps warm-up apart from growth (`memory_trend`): only the second half
of the run is judged, by its least-squares slope and by the change from the half-way point to the end. The RSS is
flat when neither grows by more than FLAT_MB or FLAT_SHARE of the half-way RSS (the larger) over that half.
"""

from __future__ import annotations

import time
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


# The second half of a run counts as flat when its RSS grows by less than this (the larger of the two).
FLAT_MB = 5.0
FLAT_SHARE = 0.02
MIN_POINTS = 4  # fewer points in the second half: too short to tell


@dataclass
class Trend:
    """The second half of an RSS series: least-squares slope, change half-way to end, and the verdict."""

    slope: float  # MB per minute
    change: float  # MB, from the half-way point to the end
    fitted: float  # MB over the second half, by the slope
    threshold: float  # MB
    verdict: str  # "flat", "grows" or "too short"

    def line(self) -> str:
        if self.verdict == "too short":
            return "second half too short to tell (fewer than 4 samples)"
        return (
            f"second half: slope {self.slope:+.2f} MB/min ({self.fitted:+.1f} MB fitted), {self.change:+.1f} MB "
            f"half-way to end; flat below {self.threshold:.1f} MB: {self.verdict.upper()}"
        )


def least_squares_slope(points: list[tuple[float, float]]) -> float:
    """The slope of the least-squares line through (x, y) points; 0 for fewer than 2 distinct x."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def memory_trend(series: list[tuple[float, int]]) -> Trend:
    """Judge an RSS series [(seconds since start, bytes)] on its second half, where warm-up (imports, pools,
    caches filling) is over: the least-squares slope, and the change from the sample nearest the half-way time to
    the last one. It grows when either the fitted change over that half or the measured one exceeds the
    threshold: FLAT_MB, or FLAT_SHARE of the half-way RSS when that is larger."""
    if not series:
        return Trend(0.0, 0.0, 0.0, FLAT_MB, "too short")
    start, end = series[0][0], series[-1][0]
    half_time = start + (end - start) / 2
    second = [(t, rss / 2**20) for t, rss in series if t >= half_time]
    if len(second) < MIN_POINTS:
        return Trend(0.0, 0.0, 0.0, FLAT_MB, "too short")
    half_mb = min(series, key=lambda point: abs(point[0] - half_time))[1] / 2**20
    slope = least_squares_slope([(t / 60, mb) for t, mb in second])
    fitted = slope * (end - half_time) / 60
    change = second[-1][1] - half_mb
    threshold = max(FLAT_MB, FLAT_SHARE * half_mb)
    verdict = "grows" if max(fitted, change) > threshold else "flat"
    return Trend(slope, change, fitted, threshold, verdict)


def rss_by_minute(series: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """(minute, RSS in bytes) at the end of each whole minute of the series (the sample nearest to it), and at the
    series' end when that is more than 6 s past the last whole minute (its minute with a decimal)."""
    if not series:
        return []
    end = series[-1][0]
    out: list[tuple[float, int]] = []
    for minute in range(1, int(end // 60) + 1):
        out.append((minute, min(series, key=lambda point, m=minute: abs(point[0] - m * 60))[1]))
    if end - len(out) * 60 > 6:
        out.append((round(end / 60, 1), series[-1][1]))
    return out


@dataclass
class Usage:
    cpu_start: float = 0.0
    cpu_end: float = 0.0
    rss_start: int = 0
    rss_max: int = 0
    rss_end: int = 0
    seen: dict[int, float] = field(default_factory=dict)  # pid -> its last CPU seconds (a pool's children)
    series: list[tuple[float, int]] = field(default_factory=list)  # (seconds since the first sample, RSS bytes)


class Sampler:
    """CPU and RSS of named process trees (and of a database's backends), sampled on demand."""

    def __init__(self, roots: dict[str, int], database: str, *, series_every: float = 15.0):
        self.roots = roots
        self.database = database
        self.usage = {name: Usage() for name in [*roots, "postgres backends"]}
        self.series_every = series_every
        self.began = self.last_point = 0.0

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

    def sample(self, *, first: bool = False, last: bool = False) -> None:
        """One reading of every process; a point of the RSS series too on the first, the last, and every
        `series_every` seconds."""
        now = time.monotonic()
        if first:
            self.began = self.last_point = now
        point = first or last or now - self.last_point >= self.series_every
        if point:
            self.last_point = now
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
            if point:
                usage.series.append((now - self.began, rss))

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

    def memory_lines(self) -> list[str]:
        """Per process: RSS at the end of each minute, then the second half's verdict (`memory_trend`)."""
        out = [
            f"memory over the run (RSS MB at the end of each minute; a sample every {self.series_every:g} s; flat: "
            f"second-half growth under {FLAT_MB:g} MB or {FLAT_SHARE:.0%}, the larger):"
        ]
        for name, usage in self.usage.items():
            minutes = "  ".join(f"{m:g}: {rss / 2**20:.0f}" for m, rss in rss_by_minute(usage.series))
            out.append(f"  {name:<18} {minutes}")
            out.append(f"  {'':<18} {memory_trend(usage.series).line()}")
        out.append("  (postgres backends: their RSS counts the shared buffers each one has touched, and backends come")
        out.append("   and go with the workers' connections; the other processes' figures are their own memory)")
        return out

    def verdicts(self) -> dict[str, str]:
        return {name: memory_trend(usage.series).verdict for name, usage in self.usage.items()}
