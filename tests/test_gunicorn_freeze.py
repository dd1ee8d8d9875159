"""gunicorn.conf.py: each web worker freezes its startup heap once the app is loaded (post_worker_init)."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def test_a_web_worker_freezes_its_startup_heap_and_then_serves(tmp_path):
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "claims_tracker.wsgi:application", "--config", "gunicorn.conf.py", "--log-level", "info"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline and proc.poll() is None:
            text = log.read_text(errors="replace")
            if "Froze" in text and "Listening at" in text:
                break
            time.sleep(0.2)
        frozen = re.search(r"Froze (\d+) objects of the startup heap", text)
        port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
        if not (frozen and port):
            pytest.fail(f"gunicorn logged no freeze or address:\n{text[-3000:]}")
        # Django, the URLconf and every view module: far more than an empty interpreter holds.
        assert int(frozen.group(1)) > 50_000
        conn = http.client.HTTPConnection("127.0.0.1", int(port.group(1)), timeout=30)
        conn.request("GET", "/favicon.ico")  # served by the app, without the database
        assert conn.getresponse().status == 302
        conn.close()
    finally:
        stop(proc)
