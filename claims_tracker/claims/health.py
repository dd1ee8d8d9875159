"""/healthz: does the database answer, does the broker answer, does the cache answer.

Without the database nothing works: 503 "unavailable". Without Redis (broker or cache) the site keeps answering,
degraded: pages and API reads come from the database, the throttles let requests through, and reports submitted
meanwhile wait as queued until the sweep sends them (ingest `articles_requeue_stalled`). That is a 200 with
status "degraded" and the parts named, so a load balancer keeps the web processes in while an operator is told.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy", reported, never raised
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "eager (no broker configured; tasks run in-process)"}
    from claims_tracker.celery import app

    started = time.perf_counter()
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "mode": "broker", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_cache() -> dict:
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        return {"ok": True, "mode": "local memory"}
    from django_redis import get_redis_connection

    started = time.perf_counter()
    try:
        get_redis_connection("default").ping()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "mode": "redis", "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check_database(), "broker": _check_broker(), "cache": _check_cache()}
    degraded = [name for name, check in checks.items() if not check["ok"]]
    if "database" in degraded:
        return JsonResponse({"status": "unavailable", "degraded": degraded, **checks}, status=503)
    return JsonResponse({"status": "degraded" if degraded else "ok", "degraded": degraded, **checks})
