"""Bench-only Celery task, loaded into the benchmark's workers with `celery worker -I bench_tasks`.

It times extraction alone (and attribution finding alone) on the corpus pages inside a worker process, the
same kind of process, with the same imports and settings, that runs the pipeline; the timings go back through
Redis because the project runs without a result backend. Never part of the deployed app.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import redis
from django.conf import settings

from claims_tracker.celery import app

_pages: dict[str, bytes] = {}


def _load(paths: list[str]) -> list[tuple[str, bytes]]:
    for path in paths:
        if path not in _pages:
            _pages[path] = Path(path).read_bytes()
    return [(path, _pages[path]) for path in paths]


@app.task(name="bench.extract_alone", ignore_result=True)
def extract_alone(paths: list[str], urls: list[str], reply_to: str) -> None:
    """Extract each page (the bytes the pipeline fetches, with the URL it passes), then find attributions."""
    from claims_tracker.ingest.attribution import find_attributions
    from claims_tracker.ingest.extraction import extract

    extraction, attribution = [], []
    for (_path, body), url in zip(_load(paths), urls, strict=True):
        started = time.perf_counter()
        text = extract(body, url=url).text
        extraction.append(time.perf_counter() - started)
        started = time.perf_counter()
        find_attributions(text)
        attribution.append(time.perf_counter() - started)
    reply = json.dumps({"extraction": extraction, "attribution": attribution})
    redis.Redis.from_url(settings.CELERY_BROKER_URL).rpush(reply_to, reply)
