"""The desk's signed-in clients, reused for the team pages."""

from tests.desk.conftest import (  # noqa: F401 - fixtures
    article,
    candidate,
    colleague,
    editor_client,
    mod,
    reader_client,
    reviewer_client,
    unmatched_candidate,
)
