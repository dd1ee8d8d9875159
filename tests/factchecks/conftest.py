from __future__ import annotations

import pytest

from tests.archive.conftest import run_on_commit  # noqa: F401 - fixture
from tests.ingest.conftest import allow_private, server  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _fresh_matcher():
    from claims_tracker.ingest import services

    services.reset_matcher_cache()
    yield
    services.reset_matcher_cache()
