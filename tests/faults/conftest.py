"""A site of the test's own to break: a Redis on a free port, gunicorn and celery processes on it, the test database.

Each test starts its own redis-server (killed with SIGKILL and started again on the same port as the test needs),
gunicorn serving the project against this test's database, and celery worker/beat processes where delivery
matters (tests/ingest/conftest.py `Processes`). Every process is stopped by its pid, with timeouts. The machine's
shared Redis is never touched.

gunicorn runs with DJANGO_DEBUG=1 so the session cookie works over plain HTTP on loopback (with DEBUG off it is
Secure); the cache, broker and throttle code paths are the same either way.
"""

from __future__ import annotations

import http.cookiejar
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.factories import PASSWORD
from tests.ingest.conftest import Processes, wait_until
from tests.processes import stop

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on 127.0.0.1 and a port of its own, no persistence."""

    def __init__(self, tmp: Path):
        self.port, self.tmp, self.proc = free_port(), tmp, None
        self.start()

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        log = open(self.tmp / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - the process writes it
        self.proc = subprocess.Popen([*args, "--dir", str(self.tmp)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: self._pings(client), timeout=20, message="redis-server to answer")

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL, as an outage: no shutdown, nothing saved."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop(self.proc)


class Browser:
    """A client with cookies, that does not follow redirects: status, headers and body of each answer."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = {"X-CSRFToken": self.cookie("csrftoken"), "Referer": self.base + path} if data is not None else {}
        return self.open(urllib.request.Request(self.base + path, data=body, headers={**sent, **(headers or {})}))

    def open(self, req: urllib.request.Request) -> tuple[int, dict, str]:
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, dict, str]:
        return self.request(path)

    def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, dict, str]:
        return self.request(path, {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}, headers)

    def post_json(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, dict, str]:
        """An API write: JSON, as the API takes writes (a form body is 415)."""
        headers = {"Content-Type": "application/json", **(headers or {})}
        return self.open(urllib.request.Request(self.base + path, data=json.dumps(data).encode(), headers=headers))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def login(self, username: str) -> int:
        self.get("/accounts/login/")  # the CSRF cookie
        status, headers, _body = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        return status

    def json(self, path: str) -> tuple[int, dict]:
        status, _headers, body = self.get(path)
        return status, json.loads(body) if body.startswith("{") else {}


class Site:
    """The project as deployed, on the test's Redis: gunicorn, and celery processes on demand."""

    def __init__(self, procs: Processes, redis_server: RedisServer, **env: str):
        self.procs, self.redis = procs, redis_server
        self.env = {
            "CELERY_BROKER_URL": redis_server.url(0),
            "REDIS_URL": redis_server.url(1),
            "DJANGO_DEBUG": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            **env,
        }
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        args = [str(BIN / "gunicorn"), "claims_tracker.wsgi:application", "--config", "gunicorn.conf.py"]
        web_env = {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"}
        self.web = procs.spawn(args, "gunicorn", **self.env, **web_env)
        wait_until(self._answers, timeout=60, message="gunicorn to answer")

    def _answers(self) -> bool:
        if self.web.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{self.procs.log_of(self.web)[-3000:]}")
        try:
            urllib.request.urlopen(self.base + "/healthz", timeout=5)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def browser(self) -> Browser:
        return Browser(self.base)

    def worker(self, **env: str) -> subprocess.Popen:
        return self.procs.worker(**{**self.env, **env})

    def beat(self, **env: str) -> subprocess.Popen:
        return self.procs.beat(**{**self.env, **env})


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def procs(transactional_db, tmp_path):
    processes = Processes(tmp_path)
    yield processes
    processes.stop_all()


def until(predicate, *, timeout: float = 60, message: str = "condition"):
    return wait_until(predicate, timeout=timeout, interval=0.3, message=message)
