"""The Celery application: configured from Django settings under the CELERY_ namespace.

The broker is Celery's own transport for the URL in CELERY_BROKER_URL (Redis, or RabbitMQ for amqp://), set up
as Celery documents it (settings.py, "# Celery"). What a worker process does once started is in
claims_tracker/worker.py, which the workers import (settings.CELERY_IMPORTS).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

app = Celery("claims_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
