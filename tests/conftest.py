"""Shared fixtures. The suite runs on the real PostgreSQL and Redis (`make test` sets them up)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.factories import ClaimantFactory, ClaimFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_report_header(config):
    return f"shared material: {SHARED if SHARED.exists() else 'absent (corpus breadth tests skip, saying so)'}"


@pytest.fixture(autouse=True)
def _fresh_reader_cache(settings, request):
    """Each test its own reader page cache: rolled-back data repeats its versions (an empty
    catalogue looks the same in every test), and Redis outlives the run."""
    settings.READER_CACHE_VERSION = f"{request.node.nodeid}:{uuid.uuid4()}"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.exists():
        # Only breadth tests over the third-party corpus use this; everything else lives under tests/.
        pytest.skip(f"corpus breadth test: the third-party corpus ({SHARED}/corpus) is not beside this clone")
    return SHARED


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=["editor"])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", groups=["reviewer"])


@pytest.fixture
def claimant(db):
    return ClaimantFactory()


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture(autouse=True)
def _login_attempts_unlimited(settings):
    """The suite logs in hundreds of times from 127.0.0.1, and the per-address login limit counts in
    Redis across tests; tests/accounts/test_lockout.py sets the rate it tests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": None},
    }


WARCIO = str(Path(sys.executable).with_name("warcio"))


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path_factory):
    """Every test archives into its own folder, and every WARC file a test wrote must pass `warcio check`."""
    root = tmp_path_factory.mktemp("media") / "archive"  # as settings lay it out: MEDIA_ROOT/archive
    settings.MEDIA_ROOT = root.parent
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    yield root
    written = sorted(str(p) for p in root.rglob("*.warc.gz") if not p.name.endswith(".damaged.warc.gz"))
    if written:
        check = subprocess.run([WARCIO, "check", "-v", *written], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, f"warcio check failed:\n{check.stdout}{check.stderr}"
        assert check.stdout.count("digest pass") >= len(written), check.stdout
