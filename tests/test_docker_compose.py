"""No Docker engine runs here, so this test keeps docker-compose.yml true to the project."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_it_defines_the_six_services():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "poller", "beat"}


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker", "poller", "beat"])
def test_each_service_has_a_health_check(name):
    check = SERVICES[name].get("healthcheck")
    assert check and check.get("test"), f"{name} has no health check"


def test_data_lives_in_volumes():
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "redis-data"}
    assert any("postgres-data" in v for v in SERVICES["postgres"]["volumes"])


def test_the_archive_is_one_volume_shared_by_web_and_worker():
    # The worker writes the WARC files, web serves the inert copies: the same folder, MEDIA_ROOT/archive.
    for name in ("web", "worker"):
        assert "archive-data:/app/media" in SERVICES[name]["volumes"], name
    assert "archive-data" in COMPOSE["volumes"]


def test_the_settings_module_exists():
    for name in ("web", "worker", "beat"):
        module = SERVICES[name]["environment"]["DJANGO_SETTINGS_MODULE"]
        assert importlib.util.find_spec(module) is not None, module


def test_gunicorn_serves_the_project_wsgi_application():
    words = " ".join(_command(SERVICES["web"])).split()
    target = next(w for w in words if ":application" in w)
    module, attr = target.split(":")
    assert callable(getattr(importlib.import_module(module), attr))
    assert "gunicorn" in words


def test_the_web_service_runs_existing_management_commands():
    words = " ".join(_command(SERVICES["web"])).replace("&&", " ").split()
    commands = [words[i + 1] for i, w in enumerate(words) if w == "manage.py"]
    assert commands and all(c in get_commands() for c in commands)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_points_at_the_project_app(name):
    command = _command(SERVICES[name])
    app_path = command[command.index("-A") + 1]
    module = importlib.import_module(f"{app_path}.celery")
    assert module.app.main == "claims_tracker"
    assert command[command.index("-A") + 2] == name


def test_the_worker_consumes_both_queues():
    command = _command(SERVICES["worker"])
    assert set(command[command.index("-Q") + 1].split(",")) == {"ingest", "default"}


def test_the_poller_is_a_thread_pool_on_the_feeds_queue_alone():
    command = _command(SERVICES["poller"])
    assert command[command.index("-A") + 2] == "worker"
    assert command[command.index("-Q") + 1] == "feeds"
    assert command[command.index("-P") + 1] == "threads"
    assert int(command[command.index("--concurrency") + 1]) > 1
    routes = settings.CELERY_TASK_ROUTES
    assert routes["claims_tracker.ingest.tasks.fetch_feed"]["queue"] == "feeds"
    assert SERVICES["poller"]["build"] == "."


def test_the_image_build_exists():
    assert (ROOT / "Dockerfile").exists()
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["build"] == "."


def test_gunicorn_runs_threaded_workers_with_keep_alive():
    import runpy

    config_file = ROOT / "gunicorn.conf.py"
    assert "gunicorn.conf.py" in " ".join(_command(SERVICES["web"]))
    config = runpy.run_path(str(config_file))
    assert config["worker_class"] == "gthread" and config["threads"] >= 2
    assert config["keepalive"] > 0 and config["workers"] >= 1
