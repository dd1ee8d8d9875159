"""Bench-only Celery task and signals, loaded into the benchmark's workers with `celery worker -I bench_tasks`.

- `extract_alone` times extraction alone (and attribution finding alone) on the corpus pages inside a worker
  process, the same kind of process, with the same imports and settings, that runs the pipeline.
- Each finished `fetch_article` is announced with how much of the task was extraction (`extraction.extract`,
  timed by a wrapper installed here), as one datagram on the benchmark's Unix socket (BENCH_ANNOUNCE_SOCKET):
  sending one costs the worker microseconds and waits for nothing, where a Redis RPUSH was a round trip per
  article counted in the pipeline's time. The benchmark waits on that socket instead of polling the database,
  and reads from it what the pipeline spent beside extraction, measured inside the same run.
The extraction-alone timings go back through Redis because the project runs without a result backend. Never part
of the deployed app.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import time
from pathlib import Path

import redis
from celery import signals
from django.conf import settings

from claims_tracker.celery import app
from claims_tracker.ingest import attribution, extraction, fetching, services
from claims_tracker.ingest.pipeline import steps, store

_pages: dict[str, bytes] = {}
ANNOUNCE_SOCKET_ENV = "BENCH_ANNOUNCE_SOCKET"  # the path of the benchmark's Unix datagram socket
PIPELINE_TASK = "claims_tracker.ingest.tasks.fetch_article"
_client: list[redis.Redis] = []
_announcer: list[socket.socket] = []
_current: dict[str, float] = {}  # the running task's seconds by part, and when it started
_last_end: list[float] = []  # when the previous pipeline task ended (task_postrun)


def _redis() -> redis.Redis:
    if not _client:
        _client.append(redis.Redis.from_url(settings.CELERY_BROKER_URL))
    return _client[0]


def _timed(part: str, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _current[part] = _current.get(part, 0.0) + time.perf_counter() - started

    return timed


# The pipeline looks these up on their modules when it runs, so it gets the timed ones. "fetch" is the HTTP
# fetch alone, "claim" the whole article_fetch step (the claiming statement and the fetch).
extraction.extract = _timed("extraction", extraction.extract)
fetching.safe_fetch = _timed("fetch", fetching.safe_fetch)
attribution.find_attributions = _timed("attribution", attribution.find_attributions)
store.article_store = _timed("store", store.article_store)
steps.article_fetch = _timed("claim", steps.article_fetch)
services.article_fetch = steps.article_fetch


@signals.task_prerun.connect
def _task_started(task=None, **_kwargs) -> None:
    _current.clear()
    _current["started"] = time.perf_counter()


@signals.task_postrun.connect
def _announce_task_end(task=None, **_kwargs) -> None:
    """Wake the benchmark when an article's task ends, with its extraction time."""
    path = os.environ.get(ANNOUNCE_SOCKET_ENV)
    if task is None or task.name != PIPELINE_TASK or not path:
        return
    ended = time.perf_counter()
    times = {part: _current.get(part, 0.0) for part in ("extraction", "fetch", "claim", "attribution", "store")}
    times["claim"] -= times["fetch"]
    times["task"] = ended - _current["started"]
    times["ended"] = ended  # perf_counter is CLOCK_MONOTONIC: the benchmark's process reads the same clock
    # From the previous task's end to this one's start: the ack, the next message, Celery's bookkeeping.
    times["between"] = _current["started"] - _last_end[0] if _last_end else None
    _last_end[:] = [ended]
    if not _announcer:
        _announcer.append(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
    _announcer[0].sendto(json.dumps(times).encode(), path)


def _load(paths: list[str]) -> list[tuple[str, bytes]]:
    for path in paths:
        if path not in _pages:
            _pages[path] = Path(path).read_bytes()
    return [(path, _pages[path]) for path in paths]


@app.task(name="bench.extract_alone", ignore_result=True)
def extract_alone(paths: list[str], urls: list[str], reply_to: str) -> None:
    """Extract each page (the bytes the pipeline fetches, with the URL it passes), then find attributions."""
    from claims_tracker.ingest.attribution import find_attributions

    extracted, attribution = [], []
    for (_path, body), url in zip(_load(paths), urls, strict=True):
        started = time.perf_counter()
        text = extraction.extract(body, url=url).text
        extracted.append(time.perf_counter() - started)
        started = time.perf_counter()
        find_attributions(text)
        attribution.append(time.perf_counter() - started)
    _redis().rpush(reply_to, json.dumps({"extraction": extracted, "attribution": attribution}))
