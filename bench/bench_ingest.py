"""Ingestion throughput: articles per second through the whole pipeline with one and two workers.

The 10 corpus pages (../shared/corpus/articles/html) are served by an HTTP server on 127.0.0.1, in a process
of its own (in this one it would wait for the GIL behind the polling loop). For each worker count, real
`celery worker` processes (solo pool, one task at a time each) run on the real Redis; every round submits the
10 URLs as an editor would (article_submit_url -> fetch -> extract -> dedupe -> candidates) and times from the
first submit until all are done. Between rounds the articles are deleted so each round does the full work.
Workers run with DEBUG off, as deployed.

Beside it, extraction alone on the same bytes, measured inside the same worker processes (bench/bench_tasks.py,
loaded with `celery worker -I`), so both figures come from the same kind of process with the same imports.
Extraction-alone rounds and pipeline rounds alternate, so both run under the same background load on this
shared machine; a warm-up round of each is run first and left out. The load average is printed. Where the
machine's speed drifts within seconds, that comparison is noisy; so the workers also time the extraction inside
each pipeline task, and the overhead is printed a second way: each pipeline round against the extraction
done within it (bench_tasks.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_ingest_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/bench_ingest.py [--rounds 30]

The database named in DATABASE_URL is created and migrated if missing, and its articles are deleted: give it
one of its own. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))  # bench_tasks, as the workers load it

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_ingest_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
# Measured as deployed: DEBUG would make every query keep a formatted copy of its SQL (the article's whole
# text, for the store) in connection.queries. DJANGO_DEBUG=1 in the environment measures the dev setup.
os.environ.setdefault("DJANGO_DEBUG", "0")
if os.environ["DJANGO_DEBUG"] == "0":
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))


def start_server() -> tuple[subprocess.Popen, int]:
    """The corpus pages on a free port of 127.0.0.1, standing in for the news sites: bench_fetch's
    one-thread asyncio server with every response built once, so it costs the pipeline little."""
    from bench.bench_fetch import start_server as start_page_server

    return start_page_server()


def start_workers(n: int, logdir: Path, announcements: socket.socket) -> list[subprocess.Popen]:
    import bench_tasks

    celery = str(Path(sys.executable).with_name("celery"))
    pythonpath = os.pathsep.join([str(ROOT), str(ROOT / "bench")])
    env = dict(os.environ, PYTHONPATH=pythonpath, DB_CONN_MAX_AGE="60", LOG_LEVEL="WARNING")
    env[bench_tasks.ANNOUNCE_SOCKET_ENV] = str(announcements.getsockname())
    procs = []
    for i in range(n):
        log = open(logdir / f"worker{i}.log", "wb")  # noqa: SIM115 - lives as long as the worker
        args = [
            celery,
            "-A",
            "claims_tracker",
            "worker",
            "-I",
            "bench_tasks",
            "-Q",
            "ingest,default",
            "-P",
            "solo",
            "-n",
            f"bench{i}@%h",
        ]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        procs.append(
            subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@dataclass
class Round:
    seconds: float  # from the first submit until the last article's task ended (its result committed)
    extraction: float  # inside the workers: the part of the round's tasks spent in extraction
    tasks: list[dict]  # each task's seconds by part, as announced (bench_tasks._announce_task_end)


def run_round(urls: list[str], announcements: socket.socket, timeout: float = 300) -> Round:
    """One round of the pipeline; failed articles are printed.

    The workers announce each finished task on the benchmark's Unix datagram socket with its timings; the round
    waits on it and looks at the database only once as many tasks as articles have ended, so watching takes
    no CPU from the pipeline.
    """
    from claims_tracker.claims.models import Article, IngestState
    from claims_tracker.ingest import services

    Article.objects.all().delete()
    _drain(announcements)
    finished = (IngestState.DONE, IngestState.FAILED)
    tasks: list[dict] = []
    started = time.perf_counter()
    for url in urls:
        services.article_submit_url(url=url)
    end = time.monotonic() + timeout
    while (left := end - time.monotonic()) > 0:
        announcements.settimeout(max(0.01, left))
        try:
            tasks.append(json.loads(announcements.recv(4096)))
        except TimeoutError:
            continue
        if len(tasks) >= len(urls) and not Article.objects.exclude(ingest_state__in=finished).exists():
            # The round ends when the last task did (its result committed before), by the clock both processes
            # share, not when this process got round to noticing it.
            elapsed = max(t["ended"] for t in tasks) - started
            failed = Article.objects.filter(ingest_state=IngestState.FAILED).values_list("url", "last_error")
            for url, error in failed:
                print(f"    failed: {url}: {error}")
            return Round(elapsed, sum(t["extraction"] for t in tasks), tasks)
    raise TimeoutError("the round did not finish")


def _drain(announcements: socket.socket) -> None:
    """Drop announcements left from an earlier round (a task that ended after its round was timed)."""
    announcements.setblocking(False)
    try:
        while True:
            announcements.recv(4096)
    except BlockingIOError:
        pass
    finally:
        announcements.setblocking(True)


def alone_round(paths: list[str], urls: list[str], timeout: float = 120) -> tuple[float, float]:
    """Extraction alone and attribution finding alone, seconds for all pages, inside a bench worker."""
    import bench_tasks
    import redis
    from django.conf import settings

    reply_to = f"bench:alone:{uuid.uuid4().hex}"
    bench_tasks.extract_alone.delay(paths, urls, reply_to)
    reply = redis.Redis.from_url(settings.CELERY_BROKER_URL).blpop(reply_to, timeout=timeout)
    if reply is None:
        raise TimeoutError("no worker ran the extraction-alone task")
    times = json.loads(reply[1])
    return sum(times["extraction"]), sum(times["attribution"])


def alone_wall(paths: list[str], urls: list[str], tasks: int, timeout: float = 120) -> float:
    """Wall seconds for `tasks` workers each doing the extraction-alone work on all pages at once: the
    machine's own scaling of CPU-bound work, the ceiling for the pipeline's speed-up with as many workers."""
    import bench_tasks
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    reply_to = f"bench:alone:{uuid.uuid4().hex}"
    started = time.perf_counter()
    for _ in range(tasks):
        bench_tasks.extract_alone.delay(paths, urls, reply_to)
    for _ in range(tasks):
        if client.blpop(reply_to, timeout=timeout) is None:
            raise TimeoutError("no worker ran the extraction-alone task")
    return time.perf_counter() - started


@dataclass
class Figures:
    pipeline: list[float] = field(default_factory=list)  # seconds per round
    inside: list[Round] = field(default_factory=list)
    extraction: list[float] = field(default_factory=list)
    attribution: list[float] = field(default_factory=list)
    # With 2 workers: wall seconds of the extraction-alone work in one worker, then in both at once.
    alone_one: list[float] = field(default_factory=list)
    alone_both: list[float] = field(default_factory=list)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)


def measure(workers: int, rounds: int, paths: list[str], urls: list[str], logdir: Path) -> Figures:
    figures = Figures()
    announcements = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    announcements.bind(str(logdir / f"announce-{workers}.sock"))
    procs = start_workers(workers, logdir, announcements)
    try:
        # Warm-up, left out: worker start, imports, connections, lxml and trafilatura caches.
        run_round(urls, announcements, timeout=120)
        alone_round(paths, urls)
        for _ in range(rounds):
            extraction, attribution = alone_round(paths, urls)
            figures.extraction.append(extraction)
            figures.attribution.append(attribution)
            measured = run_round(urls, announcements)
            figures.pipeline.append(measured.seconds)
            figures.inside.append(measured)
            if workers == 2:
                figures.alone_one.append(alone_wall(paths, urls, tasks=1))
                figures.alone_both.append(alone_wall(paths, urls, tasks=2))
        figures.load = os.getloadavg()
    finally:
        stop_workers(procs)
        announcements.close()
    return figures


def _rate(label: str, seconds: float, n: int) -> str:
    return f"{label:<38}{n / seconds:7.1f} articles/s  ({seconds / n * 1000:6.1f} ms/article)"


def _breakdown(rounds: list[Round]) -> str:
    """The 1-worker rounds' seconds by part, per article: what the workers timed, and the rest of the round.

    "between tasks" is from one task's end to the next one's start in the same round (the ack, the next
    message, Celery's bookkeeping); "round edges" is what is left of the round: from the first submit until the
    first task starts.
    """
    parts = {name: 0.0 for name in ("extraction", "attribution", "fetch", "claim", "store")}
    task = between = seconds = 0.0
    articles = 0
    for measured in rounds:
        seconds += measured.seconds
        articles += len(measured.tasks)
        task += sum(t["task"] for t in measured.tasks)
        between += sum(t["between"] or 0.0 for t in measured.tasks[1:])
        for name in parts:
            parts[name] += sum(t[name] for t in measured.tasks)
    parts["rest of the task"] = task - sum(parts.values())
    parts["between tasks"] = between
    parts["round edges"] = seconds - task - between
    return ", ".join(f"{name} {value / articles * 1000:.2f}" for name, value in parts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="rounds of the 10 pages per measurement")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"No corpus at {CORPUS}")
    from bench.dbsetup import ensure_database

    ensure_database()
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("ingest", "default", "unacked", "unacked_index")

    files = sorted(CORPUS.glob("*.html"))
    server, port = start_server()
    paths = [str(path) for path in files]
    urls = [f"http://127.0.0.1:{port}/p/{i}.html" for i in range(len(files))]
    n = len(urls)
    size = sum(path.stat().st_size for path in files) / 1e6
    print(f"{n} corpus pages, {size:.1f} MB; {args.rounds} rounds per figure, warm-up left out; {os.cpu_count()} CPUs")
    conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(f"DEBUG={settings.DEBUG}, CONN_MAX_AGE={conn_max_age} in the workers' settings")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        with tempfile.TemporaryDirectory() as logdir:
            runs = {workers: measure(workers, args.rounds, paths, urls, Path(logdir)) for workers in (1, 2)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    one, two = runs[1], runs[2]
    total = args.rounds * n
    print(_rate("extraction alone (in a worker):", sum(one.extraction), total))
    print(_rate("attribution finding alone (in a worker):", sum(one.attribution), total))
    print(_rate("pipeline, 1 worker:", sum(one.pipeline), total))
    print(_rate("pipeline, 2 workers:", sum(two.pipeline), total))
    overhead = sum(one.pipeline) / sum(one.extraction) - 1
    per_round = sorted(p / e - 1 for p, e in zip(one.pipeline, one.extraction, strict=True))
    low, median, high = per_round[0], per_round[len(per_round) // 2], per_round[-1]
    print(
        f"pipeline overhead over extraction alone (1 worker): {overhead * 100:+.0f}% "
        f"(per round {low * 100:+.0f}% .. {high * 100:+.0f}%, median {median * 100:+.0f}%)"
    )
    # Best round of each (as timeit reports): the least disturbed by other work on a shared machine.
    best = min(one.pipeline) / min(one.extraction) - 1
    print(f"  best pipeline round vs best extraction round: {best * 100:+.0f}%")
    # The same question asked inside each pipeline round: the round's time against the extraction the workers
    # did in it. Both halves come from the same seconds, so a slow spell of the machine scales both instead of
    # landing on one side of the comparison.
    inside = sorted(r.seconds / r.extraction - 1 for r in one.inside)
    seconds, extracting = sum(one.pipeline), sum(r.extraction for r in one.inside)
    low, median, high = inside[0], inside[len(inside) // 2], inside[-1]
    print(
        f"  the same, against the extraction inside each round: {(seconds / extracting - 1) * 100:+.0f}% "
        f"(per round {low * 100:+.0f}% .. {high * 100:+.0f}%, median {median * 100:+.0f}%; "
        f"{(seconds - extracting) / total * 1000:.1f} ms/article beside {extracting / total * 1000:.1f} ms extracting)"
    )
    share = sum(one.attribution) / sum(one.extraction)
    print(f"  of which attribution finding: {share * 100:+.0f}% (part of the pipeline)")
    print("  where a pipeline round's time goes, 1 worker, ms/article: " + _breakdown(one.inside))
    print(f"speed-up with 2 workers: x{sum(one.pipeline) / sum(two.pipeline):.2f} (machine has {os.cpu_count()} CPUs)")
    ceiling = 2 * sum(two.alone_one) / sum(two.alone_both)
    print(f"  the machine's own ceiling: extraction and attribution alone run x{ceiling:.2f} faster in 2 workers")
    print("load average after 1 worker: {:.2f} {:.2f} {:.2f}".format(*one.load))
    print("load average after 2 workers: {:.2f} {:.2f} {:.2f}".format(*two.load))


if __name__ == "__main__":
    main()
