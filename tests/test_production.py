"""The README's production steps, run as written (issue #14, item 5).

The fenced block under "## Production" in README.md is the recipe: its `export` lines are the
environment and its other lines the commands. This test runs them in subprocesses with
DJANGO_DEBUG=0 against a database of its own (created empty, dropped afterwards), with only what a
test must change put in: a random secret key, that database, this suite's Redis, a temporary
STATIC_ROOT and a bind to 127.0.0.1 on a port the system picks. It runs each `manage.py` step in
order, loads the demo, starts gunicorn, the worker and beat as documented, and reads the site as the
proxy would pass it on (the documented Host, `X-Forwarded-Proto: https`): the reader pages, a claim,
the API docs with every file they load, and a hashed CSS file. Every process it starts is stopped by
its pid, with a timeout.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.ingest.conftest import _database_url
from tests.processes import stop

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What a test must set itself; every other documented variable is used as the README writes it.
REPLACED = {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
REQUIRED = {"DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DJANGO_CSRF_TRUSTED_ORIGINS"} | REPLACED


def production_block() -> tuple[dict[str, str], list[list[str]]]:
    """The environment and the commands of the first ```sh block under README's "## Production"."""
    section = (ROOT / "README.md").read_text().split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    env, commands = {}, []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "export":
            name, value = words[1].split("=", 1)
            env[name] = value
        elif words:
            commands.append(words)
    return env, commands


def _fresh_database() -> tuple[str, str]:
    """An empty database named after this suite's own, on its server (the machine's, or the embedded
    one's socket), so migrate starts from nothing."""
    name = connection.settings_dict["NAME"] + "_production"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    return name, urlsplit(_database_url())._replace(path=f"/{name}").geturl()


def _admin(sql: str) -> None:
    config = connection.settings_dict
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _program(words: list[str]) -> list[str]:
    """A documented command line with its program taken from this interpreter's environment."""
    if words[:2] == ["python", "manage.py"]:
        return [sys.executable, *words[1:]]
    assert words[0] in {"gunicorn", "celery"}, f"the test does not know how to run {words}"
    return [str(BIN / words[0]), *words[1:]]


def _wait_for_line(proc: subprocess.Popen, log: Path, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text(errors="replace"))
        if found:
            return found
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"{proc.args[:4]} never logged {pattern!r}:\n{log.read_text(errors='replace')[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    stop(proc, timeout=30)


class Site:
    """HTTP/1.1 to gunicorn as the proxy passes requests on: the public Host, and HTTPS said in a header."""

    def __init__(self, port: int, host: str):
        self.port, self.host = port, host

    def get(self, path: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Host": self.host, **({"X-Forwarded-Proto": "https"} if https else {})}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


def test_the_readme_production_block_names_every_step():
    env, commands = production_block()
    assert REQUIRED <= set(env), REQUIRED - set(env)
    assert env["DJANGO_DEBUG"] == "0"
    lines = [" ".join(words) for words in commands]
    assert lines[:2] == ["python manage.py migrate --noinput", "python manage.py collectstatic --noinput"]
    assert "gunicorn claims_tracker.wsgi:application --config gunicorn.conf.py" in lines
    assert any(w[:4] == ["celery", "-A", "claims_tracker", "worker"] for w in commands)
    assert any(w[:4] == ["celery", "-A", "claims_tracker", "beat"] for w in commands)
    assert "X-Forwarded-Proto" in (ROOT / "README.md").read_text().split("\n## Production\n", 1)[1]


def test_the_documented_production_steps_serve_the_site(tmp_path):
    documented, commands = production_block()
    if not (settings.CELERY_BROKER_URL and settings.REDIS_URL):
        pytest.fail("The production test needs CELERY_BROKER_URL and REDIS_URL (`make test` sets them).")
    name, database_url = _fresh_database()
    static_root = tmp_path / "static"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "GUNICORN_"))}
    base = {k: v for k, v in base.items() if k not in {"DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY"}}
    env = {
        **base,
        **documented,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_STATIC_ROOT": str(static_root),
        # gunicorn.conf.py's own knobs: 127.0.0.1 on a port the system picks, one small process.
        "GUNICORN_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        # gunicorn's control socket defaults to one path in the home folder, shared by every gunicorn of the user.
        "GUNICORN_CMD_ARGS": f"--control-socket {tmp_path / 'gunicorn.ctl'}",
        # The worker and beat start in the temporary folder (beat writes its schedule file there).
        "PYTHONPATH": str(ROOT),
    }
    started: list[subprocess.Popen] = []
    try:
        for words in commands:
            if words[:2] != ["python", "manage.py"]:
                continue
            done = subprocess.run(_program(words), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{words}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert (static_root / "staticfiles.json").exists(), "collectstatic wrote no manifest"
        demo = subprocess.run(
            [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert demo.returncode == 0, demo.stderr[-3000:]

        ready = {
            "gunicorn": r"Listening at: http://127\.0\.0\.1:(\d+)",
            "worker": r"celery@\S+ ready\.",
            "beat": r"beat: Starting\.\.\.",
        }
        found = {}
        for words in commands:
            if words[:2] == ["python", "manage.py"]:
                continue
            role = "gunicorn" if words[0] == "gunicorn" else words[3]
            log = tmp_path / f"{role}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    _program(words),
                    cwd=ROOT if role == "gunicorn" else tmp_path,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(proc)
            found[role] = _wait_for_line(proc, log, ready[role], timeout=120)
        assert set(found) == {"gunicorn", "worker", "beat"}

        host = documented["DJANGO_ALLOWED_HOSTS"].split(",")[0]
        site = Site(int(found["gunicorn"].group(1)), host)
        status, _, home = site.get("/")
        assert status == 200, home[-2000:]
        home = home.decode()
        claim_path = re.search(r'href="(/claims/\d+/)"', home).group(1)
        css_path = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', home).group(1)
        pages = {path: site.get(path) for path in [claim_path, "/api/docs/", "/api/redoc/", "/api/schema/", css_path]}
        assert {path: page[0] for path, page in pages.items()} == dict.fromkeys(pages, 200)
        assert "Soledar" in pages[claim_path][2].decode()
        assert pages[css_path][1]["content-type"].startswith("text/css")

        # The docs' scripts, styles and icons: all ours, collected under their hashed names, served.
        files = []
        for docs in ("/api/docs/", "/api/redoc/"):
            files += re.findall(r'(?:src|href)="([^"]+)"', pages[docs][2].decode())
        # Swagger UI's start-up script comes from the docs view itself (the CSP forbids it inline).
        assert files and all(f.startswith("/static/") or f == "/api/docs/?script=" for f in files), files
        assert any("redoc.standalone" in f for f in files) and any("swagger-ui-bundle" in f for f in files)
        assert {f: site.get(f)[0] for f in files} == dict.fromkeys(files, 200)

        # Without the proxy's word that the request came over HTTPS, the site sends the client there.
        status, headers, _ = site.get("/", https=False)
        assert (status, headers["location"]) == (301, f"https://{host}/")
    finally:
        for proc in reversed(started):
            _stop(proc)
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # The server's cache entries (page menus, throttle counts) must not outlive it.
        cache.clear()
    for role in ("gunicorn", "worker", "beat"):
        log = (tmp_path / f"{role}.log").read_text(errors="replace")
        assert "Traceback" not in log and "Internal Server Error" not in log, log[-4000:]
