from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "claims_tracker.webhooks"
    label = "webhooks"
