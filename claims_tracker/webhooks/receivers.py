"""Domain signals -> webhook deliveries. Connected in WebhooksConfig.ready()."""

from __future__ import annotations

import logging
from typing import Any

from .models import Event
from .services import deliveries_create

log = logging.getLogger(__name__)


def _safely(event: str, **kwargs: Any) -> None:
    # The signals fire after the editor's transaction committed: a webhook problem must never
    # turn their saved change into an error page.
    try:
        deliveries_create(event=event, **kwargs)
    except Exception:
        log.exception("could not queue webhook deliveries for %s %s", event, kwargs)


def on_claim_created(sender: Any, *, claim_id: int, **kwargs: Any) -> None:
    _safely(Event.CLAIM_CREATED, claim_id=claim_id)


def on_status_changed(sender: Any, *, claim_id: int, status_change_id: int, **kwargs: Any) -> None:
    _safely(Event.STATUS_CHANGED, claim_id=claim_id, status_change_id=status_change_id)
