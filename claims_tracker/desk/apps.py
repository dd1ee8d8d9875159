from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "claims_tracker.desk"
    label = "desk"
