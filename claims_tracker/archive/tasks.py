"""Archive tasks: ids in, a service call. Transient failures (timeouts, 5xx, connection or storage errors) are
retried with the one backoff; each attempt's failure is shown on the evidence, which never waits for it."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from claims_tracker.ingest.fetching import FetchError

from . import services

log = logging.getLogger(__name__)


@shared_task(bind=True, name="claims_tracker.archive.tasks.archive_evidence", ignore_result=True)
def archive_evidence(self, evidence_id: int) -> None:
    """Fetch and keep an Evidence URL. Run eagerly (no broker) there is no one to deliver a retry later, so the
    attempts are made here at once, within the same cap, as ingest's fetch_article does."""
    attempt = self.request.retries
    while True:
        try:
            services.evidence_archive(evidence_id)
            return
        except (FetchError, OSError) as exc:
            message = exc.message if isinstance(exc, FetchError) else f"Storing the copy failed: {exc}"
            transient = exc.transient if isinstance(exc, FetchError) else True
            retrying = transient and attempt < settings.ARCHIVE_MAX_RETRIES
            services.evidence_archive_failed(evidence_id, error=message, attempt=attempt, retrying=retrying)
            if not retrying:
                return
            if self.request.is_eager:
                attempt += 1
                continue
            delay = services.retry_delay(attempt)
            log.info("evidence %s: archive failed (%s); retry in %.0f s", evidence_id, message, delay)
            raise self.retry(countdown=delay, max_retries=settings.ARCHIVE_MAX_RETRIES) from None
        except Exception as exc:
            # A bug or an outage: shown on the evidence rather than "archiving" for good; the worker logs it.
            error = f"Archiving stopped on an unexpected error ({type(exc).__name__})."
            services.evidence_archive_failed(evidence_id, error=error, attempt=attempt, retrying=False)
            raise
