from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "claims_tracker.teamwork"
    label = "teamwork"
    verbose_name = "Team work"

    def ready(self) -> None:
        from claims_tracker.claims import signals

        from . import receivers

        signals.status_changed.connect(receivers.on_status_changed, dispatch_uid="teamwork-status-changed")
        signals.appearance_added.connect(receivers.on_appearance_added, dispatch_uid="teamwork-appearance-added")
        signals.evidence_added.connect(receivers.on_evidence_added, dispatch_uid="teamwork-evidence-added")
        signals.candidate_decided.connect(receivers.on_candidate_decided, dispatch_uid="teamwork-candidate-decided")
