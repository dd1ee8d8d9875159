"""Domain events, sent by the services after the transaction commits.

Receivers (webhooks, caches) subscribe here instead of the services knowing about them.
Each signal is sent with `claim_id` (and for status changes `status_change_id`).
"""

from django.dispatch import Signal

claim_created = Signal()  # kwargs: claim_id
status_changed = Signal()  # kwargs: claim_id, status_change_id
appearance_added = Signal()  # kwargs: claim_id, appearance_id
evidence_added = Signal()  # kwargs: claim_id, evidence_id
candidate_decided = Signal()  # kwargs: candidate_id (sent by the desk's triage services)
