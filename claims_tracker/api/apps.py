from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "claims_tracker.api"
    label = "api"
