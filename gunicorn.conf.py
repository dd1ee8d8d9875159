"""gunicorn settings for the web process (Dockerfile, docker-compose.yml, bench/bench_api.py).

Threaded workers, so a connection is kept alive between requests: an API client polling with
If-None-Match pays one TCP handshake per connection, not per request, and a slow client ties up
a thread, not a whole worker. Each thread keeps its own database connection (CONN_MAX_AGE), so
the database sees up to workers x threads of them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # seconds an idle connection is kept
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which every
# gunicorn of that user on the machine would share; nothing here uses it, so it is off.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Freeze the worker's startup heap (gc.freeze), as Celery workers do (claims_tracker/worker.py).

    A full collection walks every tracked object, and a web worker holds some 170,000 once Django, the URLconf
    and the views are imported: each such collection took 100-400 ms on a loaded machine, and the reader's
    pages (thirty model instances a list) make enough garbage to trigger one every couple of hundred requests,
    which then waits for it (2.3 ms a list view on average, 0.4 ms with the heap frozen). Frozen objects are
    never walked. The URLconf is loaded first, so the views' modules are frozen too.
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, before the freeze
    gc.collect()
    gc.freeze()
    worker.log.info("Froze %d objects of the startup heap (gc.freeze)", gc.get_freeze_count())
