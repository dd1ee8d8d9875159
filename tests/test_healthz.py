"""/healthz: 200 "ok" when the database, broker and cache answer; 200 "degraded" naming the part when Redis
(broker or cache) does not; 503 only without the database. tests/faults kills a Redis of its own under a live site."""

from __future__ import annotations

import socket

import pytest


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
class TestHealthz:
    def test_it_is_healthy_with_postgres_and_redis(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
        response = client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["database"]["vendor"] == "postgresql"
        assert body["broker"]["mode"] == "broker"

    def test_it_is_degraded_when_the_broker_is_down(self, client, settings):
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
        response = client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded" and body["degraded"] == ["broker"]
        assert body["broker"]["ok"] is False

    def test_it_is_degraded_when_the_cache_is_down(self, client, settings):
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            },
        }
        settings.CELERY_BROKER_URL = ""
        body = client.get("/healthz").json()
        assert body["status"] == "degraded" and body["degraded"] == ["cache"]
        assert "ConnectionError" in body["cache"]["error"]

    def test_it_reports_eager_mode_without_a_broker(self, client, settings):
        settings.CELERY_BROKER_URL = ""
        assert client.get("/healthz").json()["broker"]["mode"].startswith("eager")

    def test_it_refuses_post(self, client):
        assert client.post("/healthz").status_code == 405
