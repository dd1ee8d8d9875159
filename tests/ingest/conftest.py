"""Fixtures for ingestion tests: a local HTTP server, real celery worker and beat processes on the real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from claims_tracker.celery import app as celery_app
from claims_tracker.ingest import services
from tests.ingest.server import LocalServer

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUES = ("feeds", "ingest", "default")  # one worker for every queue, unless a test splits them


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


@pytest.fixture
def allow_private(settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture(autouse=True)
def _fresh_matcher():
    # The claimant matcher is cached per process for a minute; tests create claimants freely.
    services.reset_matcher_cache()
    yield
    services.reset_matcher_cache()


def broker() -> redis.Redis:
    return redis.Redis.from_url(django_settings.CELERY_BROKER_URL)


def purge_broker() -> None:
    """Empty our Redis index (this suite's own, REDISDB): queues, unacked messages, beat locks."""
    broker().flushdb()


def queue_length(name: str = "ingest") -> int:
    return broker().llen(name)


def _database_url() -> str:
    """This test's database as a DATABASE_URL for a subprocess (a socket folder as HOST is quoted)."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    host = quote(s.get("HOST") or "127.0.0.1", safe="")
    return f"postgres://{auth}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


class Processes:
    """Celery worker/beat subprocesses of one test, each in its own process group, stopped by pid."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=django_settings.CELERY_BROKER_URL,
            CELERY_TASK_ALWAYS_EAGER="0",
            INGEST_ALLOW_PRIVATE_NETWORKS="1",
            INGEST_RETRY_BACKOFF="1",
            INGEST_RETRY_BACKOFF_MAX="2",
            CELERY_VISIBILITY_TIMEOUT="30",  # above the time limit, as settings require
            CELERY_TASK_SOFT_TIME_LIMIT="20",
            CELERY_TASK_TIME_LIMIT="25",
            DB_CONN_MAX_AGE="0",
            DJANGO_MEDIA_ROOT=str(django_settings.MEDIA_ROOT),  # the test's archive folder (tests/conftest.py)
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def _spawn(self, args: list[str], name: str, env: dict[str, str]) -> subprocess.Popen:
        log = self.tmp / f"{name}-{uuid.uuid4().hex[:6]}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs.append((proc, log))
        return proc

    def spawn(self, args: list[str], name: str, **env: str) -> subprocess.Popen:
        """Any other process of the test (gunicorn), with the same environment, log and stopping."""
        return self._spawn(args, name, self.env(**env))

    def worker(
        self,
        *,
        wait: bool = True,
        pool: str = "solo",
        queues: tuple[str, ...] = QUEUES,
        concurrency: int = 1,
        **env: str,
    ) -> subprocess.Popen:
        """A worker on `queues`: the solo pool, prefork (one child) where a test kills the main process and its
        children, or threads (`concurrency` of them) as the feed pollers run."""
        name = f"w{len(self.procs)}-{uuid.uuid4().hex[:6]}"
        args = [CELERY, "-A", "claims_tracker", "worker", "-Q", ",".join(queues), "-P", pool, "-n", f"{name}@%h"]
        args += ["-c", str(concurrency)] if pool in ("prefork", "threads") else []
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
        proc = self._spawn(args, name, self.env(**env))
        if wait:
            self.wait_for_log(proc, "ready.")
        return proc

    def beat(self, **env: str) -> subprocess.Popen:
        name = f"beat-{uuid.uuid4().hex[:6]}"
        schedule = self.tmp / f"{name}-schedule"
        args = [CELERY, "-A", "claims_tracker", "beat", "-s", str(schedule), "-l", "info"]
        return self._spawn(args, name, self.env(**env))

    def log_of(self, proc: subprocess.Popen) -> str:
        path = next(p for pr, p in self.procs if pr is proc)
        return path.read_text(errors="replace")

    def wait_for_log(self, proc: subprocess.Popen, text: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.log_of(proc):
                return
            if proc.poll() is not None:
                raise RuntimeError(f"celery exited early:\n{self.log_of(proc)[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"{text!r} not seen in time:\n{self.log_of(proc)[-3000:]}")

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)  # the group this process leads: the worker and its children only
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc, _log in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(proc)
                except ProcessLookupError:
                    pass


@pytest.fixture
def celery_broker(transactional_db, allow_private):
    """Tasks go to the real Redis, not run in-process: for tests where delivery matters."""
    purge_broker()
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield broker()
    celery_app.conf.task_always_eager = old
    purge_broker()


@pytest.fixture
def celery_procs(celery_broker, tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


def wait_until(predicate, timeout: float = 30, interval: float = 0.2, message: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")
