from django.apps import AppConfig


class FactChecksConfig(AppConfig):
    name = "claims_tracker.factchecks"
    label = "factchecks"
    verbose_name = "fact-checks found"
