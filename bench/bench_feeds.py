"""Feeds on one box: how many feeds the app keeps polled on time, and at what cost per process.

For each size N of --feeds, N Feed rows point at one asyncio server on 127.0.0.1 (bench/feeds_server.py: 80% of
polls answer 304 to the conditional GET, 15% bring a new item, 3% are slow, 1% fail with 500/503, 1% redirect; body
sizes drawn from the real feeds of ../shared/corpus/feeds), --feeds-per-host feeds on each of its loopback
addresses (127.0.0.1, 127.0.0.2, ...: a client's limits per host apply as on many sites). The app runs as deployed,
through its public entry points only: a real `celery beat` fans out `poll_due_feeds` (feeds_enqueue_due) every
INGEST_POLL_EVERY seconds, real `celery worker` processes poll the feeds and fetch and extract every new item's
article page from the same server, on the real PostgreSQL and Redis.

Each feed is polled every --interval seconds (default: N / --rate, the product's 10,000 feeds per 15 minutes,
11.1 polls/s; at least 60 s, the app's floor; each feed's own bounds are set to it, so the adaptive interval
never slows a quiet feed down), first due times spread evenly over one interval, for --duration seconds (or
--minutes) of real time. Then the server stops publishing, and the benchmark waits until every item it served has
been ingested (or --drain seconds pass). It prints polls per second, poll lag p50/p95 (bench/feeds_measure.py),
CPU seconds and RSS (start, max, end) per process (server, beat, each worker with its pool, and the PostgreSQL
backends of this database), each process's RSS at the end of every minute with a verdict on the second half of
the run (flat or growing: feeds_measure.memory_trend), the server's counters, and items ingested against items
served, with a MISMATCH line when they differ.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_feeds_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/bench_feeds.py --feeds 1000,3000,10000 [--duration 600 | --minutes 20]
    .venv/bin/python bench/bench_feeds.py --quick                     # 200 feeds, 60 s: a smoke run

Workers default to one `celery worker -Q <every routed queue> --concurrency 2` (docker-compose's); give
`--worker "ARGS"` once per worker process to run another layout, for instance a polling group and an extraction
group on separate queues: --worker "-Q feeds -P threads -c 50" --worker "-Q ingest,default -c 2".

The database named in DATABASE_URL is created and migrated if missing, and its feeds and articles are deleted:
give it one of its own. Its Redis queues are emptied. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEEDS_CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_feeds_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/6")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"  # the feeds are on 127.0.0.1
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")  # as deployed (DEBUG keeps every query's SQL in memory)
if os.environ["DJANGO_DEBUG"] == "0":
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

TARGET_RATE = 10_000 / 900  # the product's goal: 10,000 feeds, each every 15 minutes
# News RSS of 10-50 items, in bytes (--sizes stated; also the default without ../shared). In line with real news
# feeds: five FT, Economist, NYT and WSJ feeds as republished by github.com/orx365/rss-arch (output/*.xml) are
# 16, 21, 26, 42 and 45 kB; the corpus's feedparser test files are a few hundred bytes.
STATED_SIZES = [4_000, 8_000, 12_000, 18_000, 25_000, 32_000, 40_000, 55_000, 80_000, 150_000]
CELERY = str(Path(sys.executable).with_name("celery"))


def feed_sizes(source: str) -> tuple[list[int], str]:
    files = [path for path in FEEDS_CORPUS.rglob("*") if path.is_file() and path.name != "README.md"]
    if source == "stated" or not files:
        why = "asked for" if source == "stated" else f"no corpus at {FEEDS_CORPUS}"
        return STATED_SIZES, f"stated ({why}), not measured: {STATED_SIZES} bytes"
    sizes = sorted(path.stat().st_size for path in files)
    return sizes, (
        f"the {len(sizes)} real feeds of {FEEDS_CORPUS} (median {sizes[len(sizes) // 2]} B, "
        f"p90 {sizes[int(len(sizes) * 0.9)]} B, max {sizes[-1]} B)"
    )


def server_call(port: int, what: str) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/control/{what}", timeout=30) as response:
        return json.loads(response.read())


def run_size(n: int, args: argparse.Namespace, sizes_file: Path, logdir: Path) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from bench import feeds_app as app
    from bench import feeds_measure
    from claims_tracker.ingest.models import Feed

    interval = args.interval or max(60, round(n / args.rate))
    specs = args.worker or [app.default_worker()]
    app.reset(app.worker_queues(specs))
    feed_table = Feed._meta.db_table
    feeds_measure.install_poll_log(feed_table)
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    if args.beat_every:
        env["INGEST_POLL_EVERY"] = str(args.beat_every)
    server_args = [sys.executable, str(ROOT / "bench" / "feeds_server.py"), "--feeds", str(n), "--mix", args.mix]
    hosts = max(1, min(65_000, n // args.feeds_per_host))
    server_args += ["--slow-seconds", str(args.slow_seconds), "--sizes", str(sizes_file), "--hosts", str(hosts)]
    server = subprocess.Popen(server_args, stdout=subprocess.PIPE, text=True, start_new_session=True)
    procs: dict[str, subprocess.Popen] = {"server": server}
    try:
        port = int(server.stdout.readline())
        app.create_feeds(n, port, interval, hosts)
        workers = []
        for i, spec in enumerate(specs):
            worker = [CELERY, "-A", "claims_tracker", "worker", "-n", f"feeds{i}@%h", "-l", "warning"]
            worker += ["--without-gossip", "--without-mingle", *shlex.split(spec)]
            procs[f"worker{i}"] = app.start(worker, logdir / f"worker{i}-{n}.log", env)
            workers.append(procs[f"worker{i}"])
        beat = [CELERY, "-A", "claims_tracker", "beat", "-l", "warning", "-s", str(logdir / f"beat-{n}")]
        procs["beat"] = app.start(beat, logdir / f"beat-{n}.log", env)
        app.wait_for_workers(len(specs), workers)
        every = args.beat_every or int(settings.CELERY_BEAT_SCHEDULE["ingest-poll-due-feeds"]["schedule"])
        print(f"\n== {n} feeds, each every {interval} s ({n / interval:.1f} polls/s due), {args.duration} s; beat fans")
        print(f"   out every {every} s; workers: " + "; ".join(f"worker{i}: {s}" for i, s in enumerate(specs)))
        roots = {name: proc.pid for name, proc in procs.items()}
        sampler = feeds_measure.Sampler(roots, connection.settings_dict["NAME"], series_every=args.rss_every)
        app.activate(feed_table, interval, n)
        feeds_measure.log_first_dues(feed_table)
        start_at = timezone.now()
        sampler.sample(first=True)
        began = last_note = time.monotonic()
        while (left := args.duration - (time.monotonic() - began)) > 0:
            time.sleep(min(3.0, args.rss_every, left))
            sampler.sample()
            for name, proc in procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited during the run (code {proc.returncode}): see {logdir}")
            if time.monotonic() - last_note >= 60:
                last_note = time.monotonic()
                stats = server_call(port, "stats")
                print(f"   {last_note - began:5.0f} s: {stats['polls']} polls served, {stats['new_items']} new items")
        end_at = timezone.now()
        sampler.sample(last=True)
        stats = server_call(port, "freeze")
        lags = feeds_measure.poll_lags(start_at, end_at)
        at_end = app.accounting()
        Feed.objects.update(active=False)  # no more fan-outs: what is queued drains
        drained = time.monotonic()
        counts = app.drain(stats["new_items"], args.drain)
        waiting = at_end["entries"] - at_end["done"] - at_end["failed"]
        unrecorded = stats["new_items"] - at_end["entries"]
        print(f"at the end of the run: {waiting} recorded items not ingested yet, {unrecorded} served items not")
        print(f"  recorded yet; drained in {time.monotonic() - drained:.0f} s")
    except Exception:
        for log in sorted(logdir.glob(f"*-{n}.log")):  # gone with the temporary folder: the reason, here
            print(f"--- last lines of {log.name}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        raise
    finally:
        for proc in reversed(procs.values()):
            app.stop(proc)
        feeds_measure.remove_poll_log(feed_table)
    seconds = (end_at - start_at).total_seconds()
    return report(n, interval, seconds, lags, stats, counts, sampler)


def report(n, interval, seconds, lags, stats, counts, sampler) -> dict:
    rate = lags.polls / seconds
    p50, p95 = lags.percentile(50), lags.percentile(95)
    # Due by the log: the polls recorded and the feeds still waiting, each once (so at least that); it differs
    # from N / interval where the app spaces polls its own way (backoff, adaptive intervals).
    due = (lags.polls + lags.waiting) / seconds
    print(
        f"polls recorded: {lags.polls} in {seconds:.0f} s = {rate:.2f} polls/s (due: {n / interval:.2f}/s at the "
        f"interval given, at least {due:.2f}/s by the app's own times)"
    )
    print(f"poll lag: p50 {p50:.1f} s, p95 {p95:.1f} s, max {max(lags.lags, default=0):.1f} s past due")
    print(f"  still waiting at the end: {lags.waiting} feeds (counted with their lag then)")
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(lags.statuses.items())))
    print(
        f"server: {stats['polls']} polls, {stats['not_modified']} answered 304, {stats['full']} full bodies "
        f"({stats['bytes'] / 1e6:.1f} MB), {stats['slow']} slow, {stats['errors']} errors, "
        f"{stats['redirects']} redirects, {stats['articles']} article pages"
    )
    print("per process, over the run:")
    for line in sampler.lines(lags.polls):
        print(line)
    for line in sampler.memory_lines():
        print(line)
    served, ingested = stats["new_items"], counts["done"]
    print(f"items served: {served}")
    print(
        f"items ingested: {ingested} (entries recorded {counts['entries']}, failed {counts['failed']}, "
        f"articles stored {counts['articles']})"
    )
    if served != ingested or counts["entries"] != served:
        print(f"MISMATCH: {served} items served, {counts['entries']} recorded, {ingested} ingested")
    return {
        "feeds": n,
        "interval": interval,
        "rate": rate,
        "p50": p50,
        "p95": p95,
        "served": served,
        "ingested": ingested,
        "worker_cpu": sum(u.cpu_end - u.cpu_start for k, u in sampler.usage.items() if k.startswith("worker")),
        "polls": lags.polls,
        "memory": {k: v for k, v in sampler.verdicts().items() if k.startswith("worker")},
    }


def parse_mix(text: str) -> list[float] | None:
    try:
        shares = [float(share) for share in text.split(",")]
    except ValueError:
        return None
    if len(shares) != 5 or min(shares) < 0 or not sum(shares) > 0:  # not > 0: NaN too
        return None
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", help="sizes to run in turn, comma-separated: 1000,3000,10000 (1000)")
    parser.add_argument("--duration", type=float, help="seconds of polling per size (600)")
    parser.add_argument("--minutes", type=float, help="minutes of polling per size: --duration in minutes")
    parser.add_argument(
        "--rss-every", type=float, default=15.0, help="seconds between the points of each process's RSS series (15)"
    )
    parser.add_argument("--interval", type=int, help="seconds between a feed's polls (default N / --rate, >= 60)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="polls per second to aim at")
    parser.add_argument("--beat-every", type=int, help="the fan-out's period (INGEST_POLL_EVERY; the app's default)")
    parser.add_argument("--worker", action="append", help="celery worker arguments, once per worker process")
    parser.add_argument("--mix", default="80,15,3,1,1", help="shares of 304, new items, slow, errors, redirects")
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="how long a slow feed takes to answer")
    parser.add_argument(
        "--sizes",
        choices=("corpus", "stated"),
        default="corpus",
        help="feed body sizes: the corpus's real feeds (small test files, median 0.3 kB) or a stated spread of "
        "news RSS sizes (4-150 kB)",
    )
    parser.add_argument("--feeds-per-host", type=int, default=10, help="feeds on one site (loopback address)")
    parser.add_argument("--drain", type=float, default=600, help="seconds to wait for the items served")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 feeds for 60 s, fan-out every 10 s")
    args = parser.parse_args()
    # --quick: 200 feeds for 60 s, a fan-out every 10 s (the app's 60 s would leave one), unless given.
    args.feeds = args.feeds or ("200" if args.quick else "1000")
    if args.minutes is not None and args.duration is not None:
        parser.error("give --duration (seconds) or --minutes, not both")
    if args.minutes is not None:
        args.duration = args.minutes * 60  # checked below, as --duration is
    else:
        args.duration = args.duration or (60 if args.quick else 600)
    args.beat_every = args.beat_every or (10 if args.quick else None)
    try:
        sizes_wanted = [int(x) for x in args.feeds.split(",")]
    except ValueError:
        parser.error("--feeds takes counts separated by commas: 1000,3000,10000")
    if parse_mix(args.mix) is None:
        parser.error("--mix takes 5 shares, not all zero: 304, new items, slow, errors, redirects (80,15,3,1,1)")
    if (
        min(sizes_wanted) < 1
        or args.feeds_per_host < 1
        or not args.duration > 0
        or not args.rss_every > 0
        or (args.interval is not None and args.interval < 60)
    ):
        parser.error(
            "--feeds and --feeds-per-host must be positive, --duration, --minutes and --rss-every above 0, "
            "--interval 60 or more (the app's floor)"
        )
    import django

    from bench.dbsetup import ensure_migrated_database

    django.setup()
    ensure_migrated_database()
    sizes, origin = feed_sizes(args.sizes)
    print(f"feed sizes: {origin}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        sizes_file = Path(tmp) / "sizes.json"
        sizes_file.write_text(json.dumps(sizes))
        for n in sizes_wanted:
            results.append(run_size(n, args, sizes_file, Path(tmp)))
    print("\nfeeds  interval  polls/s  lag p50  lag p95  worker CPU ms/poll  served  ingested  worker RSS, 2nd half")
    for r in results:
        per = r["worker_cpu"] / r["polls"] * 1000 if r["polls"] else float("nan")
        memory = ", ".join(f"{name} {verdict}" for name, verdict in r["memory"].items())
        print(
            f"{r['feeds']:>5}  {r['interval']:>6} s  {r['rate']:7.2f}  {r['p50']:6.1f} s  {r['p95']:6.1f} s  "
            f"{per:18.1f}  {r['served']:6}  {r['ingested']:8}  {memory}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop what it started on the way out
    main()
