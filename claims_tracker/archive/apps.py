from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "claims_tracker.archive"
    label = "archive"
