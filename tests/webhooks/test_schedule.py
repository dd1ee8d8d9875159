"""The beat schedule names tasks that exist, and runs the webhook safety net."""

from __future__ import annotations

from django.conf import settings

from claims_tracker.celery import app


class TestBeatSchedule:
    def test_it_names_only_registered_tasks(self):
        app.loader.import_default_modules()  # what a worker and beat do at start: autodiscovery
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            assert entry["task"] in app.tasks, f"{name} names no task"
            assert float(entry["schedule"]) > 0

    def test_it_sweeps_due_webhook_deliveries(self):
        tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
        assert "claims_tracker.webhooks.tasks.deliver_due_webhooks" in tasks
