"""Settings from the environment: embedded defaults, production checks, refusal of unsafe values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-value-0123456789-abcdefghij",
        DJANGO_ALLOWED_HOSTS="claims.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="claims.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_is_a_clear_error():
    result = _manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0 and "DJANGO_DEBUG must be a boolean" in result.stderr


def test_the_embedded_default_is_postgresql_on_a_socket_with_eager_tasks():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'claims_tracker.settings'); "
        "django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "EMBEDDED_"))
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)
    socket_dir = str(ROOT / ".pgdata" / "run")
    assert out.stdout.split() == ["django.db.backends.postgresql", socket_dir, "claims_tracker", "True"], out.stderr


def test_database_url_wins_and_must_name_postgresql():
    code = "from django.conf import settings as s; print('HOST', s.DATABASES['default']['HOST'])"
    url = "postgres://postgres@127.0.0.1:5432/elsewhere"
    result = _manage("shell", "-c", code, DATABASE_URL=url)
    assert result.returncode == 0 and "HOST 127.0.0.1" in result.stdout, result.stderr
    assert "embedded PostgreSQL" not in result.stderr  # nothing embedded started
    result = _manage("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0 and "DATABASE_URL must name a PostgreSQL server" in result.stderr


def test_email_goes_to_the_console_unless_an_smtp_host_is_set():
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_USE_TLS)"
    default = _manage("shell", "-c", code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused")
    # The last line: `shell` may first say what it imported.
    assert default.stdout.splitlines()[-1].split() == ["django.core.mail.backends.console.EmailBackend", "False"]
    smtp = _manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        EMAIL_HOST="smtp.example.org",
        EMAIL_HOST_USER="desk",
    )
    assert smtp.stdout.splitlines()[-1].split() == ["django.core.mail.backends.smtp.EmailBackend", "True"]


def test_a_negative_proxy_count_is_a_clear_error():
    result = _manage("check", TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def test_a_feed_lease_a_live_poll_could_outlast_is_refused():
    result = _manage("check", INGEST_FEED_LEASE="180", CELERY_TASK_TIME_LIMIT="180")
    assert result.returncode != 0
    assert "INGEST_FEED_LEASE (180 s) must be above CELERY_TASK_TIME_LIMIT (180 s)" in result.stderr
    assert _manage("check", INGEST_FEED_LEASE="181", CELERY_TASK_TIME_LIMIT="180").returncode == 0
