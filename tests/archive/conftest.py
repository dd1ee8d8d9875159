"""Archive tests reuse ingestion's real local HTTP server and celery processes."""

from __future__ import annotations

import pytest

from tests.ingest.conftest import allow_private, celery_broker, celery_procs, server  # noqa: F401 - fixtures


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit enqueues (and the tasks they start, eagerly) as a committed request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
