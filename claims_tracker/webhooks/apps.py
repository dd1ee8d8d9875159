from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "claims_tracker.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from claims_tracker.claims import signals

        from . import receivers

        signals.claim_created.connect(receivers.on_claim_created, dispatch_uid="webhooks-claim-created")
        signals.status_changed.connect(receivers.on_status_changed, dispatch_uid="webhooks-status-changed")
