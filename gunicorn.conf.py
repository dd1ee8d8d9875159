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
