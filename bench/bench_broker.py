"""What the broker costs a task: a no-op task through a real `celery worker` (solo pool) on the real Redis.

Two figures, both taken by the clock the benchmark and the worker share (perf_counter is CLOCK_MONOTONIC):
- between tasks: a queue filled with no-op tasks before the worker starts, then drained by it; the time from
  one task's end to the next one's start is what the worker spends on the broker per task (the late ack, the
  next message, the delivery's unacked record) and Celery's own bookkeeping. Each round starts a fresh worker;
  its first tasks are left out (connections, caches).
- round trip: one task at a time, from `send_task` in this process until the task ended in the worker.
The worker announces each task's start and end as one datagram on the benchmark's Unix socket (it waits for
nothing). This module is also what the worker loads (`celery worker -I bench_broker`) for the no-op task.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_broker.py [--rounds 5]

The broker's Redis index is the benchmark's own: its queue is emptied before each round. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DJANGO_DEBUG", "0")  # measured as deployed
    if os.environ["DJANGO_DEBUG"] == "0":
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from celery import signals  # noqa: E402

from claims_tracker.celery import app  # noqa: E402

QUEUE = "bench-noop"
TASK = "bench.noop"
ANNOUNCE_SOCKET_ENV = "BENCH_ANNOUNCE_SOCKET"
WARM_UP = 50  # tasks of each round left out
_started: list[float] = []
_announcer: list[socket.socket] = []


@app.task(name=TASK, ignore_result=True)
def noop() -> None:
    """Nothing: all it costs is the broker and Celery around it."""


@signals.task_prerun.connect
def _task_started(task=None, **_kwargs) -> None:
    _started[:] = [time.perf_counter()]


@signals.task_postrun.connect
def _announce_task_end(task=None, **_kwargs) -> None:
    path = os.environ.get(ANNOUNCE_SOCKET_ENV)
    if task is None or task.name != TASK or not path:
        return
    if not _announcer:
        _announcer.append(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
    times = {"started": _started[0], "ended": time.perf_counter()}
    _announcer[0].sendto(json.dumps(times).encode(), path)


def start_worker(logdir: Path, announce: str) -> subprocess.Popen:
    celery = str(Path(sys.executable).with_name("celery"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]), LOG_LEVEL="WARNING")
    env[ANNOUNCE_SOCKET_ENV] = announce
    args = [celery, "-A", "claims_tracker", "worker", "-I", "bench_broker", "-Q", QUEUE, "-P", "solo"]
    args += ["-n", f"bench-noop-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(logdir / "worker.log", "ab") as log:
        return subprocess.Popen(
            [*args, "-l", "warning"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def receive(announcements: socket.socket, n: int, timeout: float = 120) -> list[dict]:
    times, end = [], time.monotonic() + timeout
    while len(times) < n:
        announcements.settimeout(max(0.01, end - time.monotonic()))
        try:
            times.append(json.loads(announcements.recv(4096)))
        except TimeoutError:
            if time.monotonic() > end:
                raise TimeoutError(f"{len(times)} of {n} tasks announced") from None
    return times


def drain_round(tasks: int, logdir: Path, announcements: socket.socket) -> list[float]:
    """Fill the queue, start a worker, let it drain the queue: seconds between one task's end and the next's start."""
    for _ in range(tasks):
        app.send_task(TASK, queue=QUEUE)
    worker = start_worker(logdir, announcements.getsockname())
    try:
        times = receive(announcements, tasks)
    finally:
        stop_worker(worker)
    times.sort(key=lambda t: t["started"])
    return [b["started"] - a["ended"] for a, b in itertools.pairwise(times[WARM_UP:])]


def round_trips(n: int, logdir: Path, announcements: socket.socket) -> list[float]:
    """Seconds from sending a task until it ended in the worker, one task at a time."""
    worker = start_worker(logdir, announcements.getsockname())
    try:
        for _ in range(WARM_UP):
            app.send_task(TASK, queue=QUEUE)
            receive(announcements, 1)
        seconds = []
        for _ in range(n):
            sent = time.perf_counter()
            app.send_task(TASK, queue=QUEUE)
            seconds.append(receive(announcements, 1)[0]["ended"] - sent)
        return seconds
    finally:
        stop_worker(worker)


def _ms(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95)]
    figures = [statistics.median(ordered), statistics.fmean(ordered), p95]
    median, mean, p95 = (f"{seconds * 1000:.3f}" for seconds in figures)
    return f"{label:<34} median {median} ms, mean {mean}, p95 {p95} ({len(ordered)} tasks)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="worker starts per figure")
    parser.add_argument("--tasks", type=int, default=2000, help="no-op tasks per round")
    args = parser.parse_args()
    import django
    import redis
    from django.conf import settings

    django.setup()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    transport = type(app.connection_for_write().transport)
    print(f"broker {settings.CELERY_BROKER_URL} ({transport.__module__}.{transport.__qualname__}), ", end="")
    print(f"transport options {settings.CELERY_BROKER_TRANSPORT_OPTIONS}")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    between, trips = [], []
    with tempfile.TemporaryDirectory() as logdir:
        announcements = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        announcements.bind(str(Path(logdir) / "announce.sock"))
        for _ in range(args.rounds):  # alternating, so both figures see the same background load
            client.delete(QUEUE)
            between += drain_round(args.tasks, Path(logdir), announcements)
            trips += round_trips(args.tasks // 4, Path(logdir), announcements)
        announcements.close()
    print(_ms("between tasks (worker, per task):", between))
    print(_ms("round trip (send until ended):", trips))
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
