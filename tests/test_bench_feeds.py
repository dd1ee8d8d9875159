"""bench/bench_feeds.py end to end, with tiny numbers: its server, a real beat and worker, this test's database.

The accounting is what is checked, not speed: every item the server published is recorded once and ingested,
as the bench says and as the database shows, and the lag figures are printed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from claims_tracker.claims.models import IngestState
from claims_tracker.ingest.models import Feed, FeedEntry
from tests.ingest.conftest import _database_url
from tests.processes import stop

ROOT = Path(__file__).resolve().parents[1]
# More new items than the real mix (30% 304, 60% new, 4% slow, 3% errors, 3% redirects), so that a 15 s run
# publishes some; a fan-out every 2 s, so that they are polled within it.
TINY = ["--feeds", "60", "--duration", "15", "--interval", "60", "--beat-every", "2", "--mix", "30,60,4,3,3"]
TINY += ["--slow-seconds", "1", "--drain", "180"]


pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]


def _run(*args: str, timeout: float = 480) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=_database_url(), CELERY_BROKER_URL=settings.CELERY_BROKER_URL)
    proc = subprocess.Popen(
        [sys.executable, "bench/bench_feeds.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc, timeout=60)  # SIGTERM: the bench stops its server, beat and workers on the way out
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "")


def test_it_ingests_every_item_it_serves_and_prints_the_lag():
    result = _run("--quick", *TINY, "--rss-every", "1")
    out = result.stdout
    assert result.returncode == 0, out
    served = int(re.search(r"^items served: (\d+)$", out, re.M).group(1))
    ingested = int(re.search(r"^items ingested: (\d+) ", out, re.M).group(1))
    assert served > 0, out
    assert ingested == served, out
    assert "MISMATCH" not in out
    polls = int(re.search(r"^polls recorded: (\d+) in", out, re.M).group(1))
    assert polls > 0, out
    lag = re.search(r"^poll lag: p50 (\d+\.\d) s, p95 (\d+\.\d) s", out, re.M)
    assert lag is not None, out
    assert float(lag.group(1)) <= float(lag.group(2))
    for process in ("server", "worker0", "beat", "postgres backends"):
        assert re.search(rf"^  {process} +CPU +\d+\.\d s", out, re.M), out
    # The memory series: RSS at the end of each minute (a 15 s run: its end), and a verdict on the second half.
    assert "flat: second-half growth under 5 MB or 2%, the larger" in out
    for process in ("server", "worker0", "beat"):
        assert re.search(
            rf"^  {process} +0\.\d: \d+\n +second half: slope [+-]\d+\.\d\d MB/min .*: (FLAT|GROWS)$", out, re.M
        ), out
    assert re.search(r"^ +60 +60 s .* worker0 (flat|grows)$", out, re.M), out
    # The database agrees with what the bench printed: each item once, each one's article done.
    assert FeedEntry.objects.count() == served
    assert FeedEntry.objects.filter(article__ingest_state=IngestState.DONE).count() == served
    assert Feed.objects.count() == 60


@pytest.mark.parametrize("mix", ["80,20", "80,15,3,1,x", "0,0,0,0,0", "80,15,3,1,-1", "nan,1,1,1,1"])
def test_it_refuses_a_mix_it_cannot_draw_from(mix):
    result = _run("--quick", f"--mix={mix}", timeout=120)
    assert result.returncode == 2
    assert "--mix takes 5 shares" in result.stdout


@pytest.mark.parametrize(
    "args",
    [("--minutes", "2", "--duration", "60"), ("--minutes", "0"), ("--minutes", "nan"), ("--rss-every", "0")],
)
def test_it_refuses_a_length_or_sampling_it_cannot_run(args):
    result = _run("--quick", *args, timeout=120)
    assert result.returncode == 2
    assert "--duration" in result.stdout.splitlines()[-1], result.stdout


def test_it_refuses_an_interval_below_the_apps_floor():
    result = _run("--quick", "--interval", "30", timeout=120)
    assert result.returncode == 2
    assert "--interval 60 or more" in result.stdout
