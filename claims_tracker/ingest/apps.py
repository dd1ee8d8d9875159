from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "claims_tracker.ingest"
    label = "ingest"
