"""One client identity behind a real reverse proxy (issue #22 item 5, issue #18 item 2).

nginx on 127.0.0.1 appends the address it received from to X-Forwarded-For, as the README's proxy
does, and passes the request on to gunicorn (`--forwarded-allow-ips` naming nginx) running the app
with TRUSTED_PROXY_COUNT=1. Clients connect from different loopback addresses (127.0.0.2, ...:
Linux routes all of 127/8 to lo), so nginx sees each one's own address; each also sends an
X-Forwarded-For of its own, a new one on every request. The API's anonymous throttle and
django-axes must count the address nginx saw, and nothing the client wrote.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache

from tests.factories import PASSWORD
from tests.ingest.conftest import _database_url
from tests.processes import stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """gunicorn behind nginx; `request` connects from a given loopback address."""

    def __init__(self, tmp: Path):
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx is None:
            pytest.fail("nginx is missing: install it with `apt-get install -y nginx` (.ci/run does)")
        self.tmp, self.port, app_port = tmp, _free_port(), _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DB_CONN_MAX_AGE": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "API_THROTTLE_ANON": "5/minute",
            "AXES_FAILURE_LIMIT": "3",
            "LOGIN_THROTTLE": "1000/hour",
        }
        args = [GUNICORN, "claims_tracker.wsgi", "-b", f"127.0.0.1:{app_port}", "-w", "1"]
        args += ["--forwarded-allow-ips", "127.0.0.1"]
        self.procs: list[subprocess.Popen] = []
        self.logs = {"gunicorn": tmp / "gunicorn.log", "nginx": tmp / "nginx-error.log"}
        with open(self.logs["gunicorn"], "wb") as log:
            self.procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=self.port, app_port=app_port))
        nginx_args = [nginx, "-p", str(tmp), "-e", str(self.logs["nginx"]), "-c", str(conf), "-g", "daemon off;"]
        self.procs.append(subprocess.Popen(nginx_args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for proc in self.procs:
                if proc.poll() is not None:
                    pytest.fail(f"{proc.args[0]} exited early:\n{self.log_text()}")
            try:
                if self.request("127.0.0.1", "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"the site did not answer through nginx in {timeout} s:\n{self.log_text()}")

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.logs.values() if p.exists())

    def request(self, source: str, method: str, path: str, *, forwarded_for: str | None = None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(source, 0))
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if forwarded_for is not None:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def close(self) -> None:
        for proc in reversed(self.procs):
            stop(proc)


@pytest.fixture
def site(tmp_path):
    cache.clear()  # throttle counters: gunicorn shares this suite's Redis database
    served = Site(tmp_path)
    yield served
    served.close()
    cache.clear()


def test_a_rotating_forwarded_for_does_not_escape_the_anonymous_throttle(site):
    statuses = [
        site.request("127.0.0.2", "GET", "/api/v1/claims/", forwarded_for=f"203.0.113.{n}")[0] for n in range(6)
    ]
    assert statuses == [200] * 5 + [429], site.log_text()
    status, headers, _ = site.request("127.0.0.2", "GET", "/api/v1/claims/", forwarded_for="198.51.100.99")
    assert status == 429 and int(headers["Retry-After"]) > 0
    # Another client, counted by the address nginx saw, has its own allowance.
    assert site.request("127.0.0.3", "GET", "/api/v1/claims/", forwarded_for="203.0.113.1")[0] == 200


def test_axes_locks_the_address_nginx_saw_and_the_editor_logs_in_from_their_own(site, editor):
    attacker, victim = "127.0.0.4", "127.0.0.5"
    bad = {"username": "editor", "password": "wrong"}
    statuses = [
        site.request(attacker, "POST", "/api/v1/auth/token/", forwarded_for=f"198.51.100.{n}", body=bad)[0]
        for n in range(3)
    ]
    assert statuses == [401, 401, 429], site.log_text()
    attempt = AccessAttempt.objects.get(username="editor")
    assert attempt.ip_address == attacker and attempt.failures_since_start == 3
    # Claiming to be the victim's address from the attacker's changes nothing.
    good = {"username": "editor", "password": PASSWORD}
    status, headers, body = site.request(attacker, "POST", "/api/v1/auth/token/", forwarded_for=victim, body=good)
    assert status == 429 and json.loads(body)["error"]["code"] == "locked_out" and headers["Retry-After"]
    status, _, body = site.request(victim, "POST", "/api/v1/auth/token/", body=good)
    assert status == 200 and json.loads(body)["token"]
