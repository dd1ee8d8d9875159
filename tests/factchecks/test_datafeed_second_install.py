"""Issue #20, done when: our own ClaimReview DataFeed, served on 127.0.0.1 and added as a feed to a second, empty
install, gives one suggestion per review with the right ratings.

Install one is this test's database behind pytest-django's live server. Install two is a fresh database, migrated
by `manage.py migrate` and driven by `manage.py shell` in subprocesses of their own (no broker: tasks eager), as
a newsroom's second deployment would be: it adds the feed and polls it through the real safe fetching."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from claims_tracker.claims import services
from claims_tracker.claims.jsonld import BEST_RATING, REVIEW_RATINGS, WORST_RATING
from claims_tracker.claims.models import Status
from tests.conftest import ROOT
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, add_evidence

pytestmark = pytest.mark.django_db(transaction=True)
STANCES = ("supports", "contradicts")  # whichever a state needs

POLL = """
import json
from claims_tracker.factchecks.models import FactCheck
from claims_tracker.ingest import polling
feed = polling.feed_create(url={url!r})
result = polling.feed_poll(feed.pk)
again = polling.feed_poll(feed.pk)
rows = list(FactCheck.objects.order_by("id").values(
    "claim_reviewed", "claim_author", "reviewer", "rating_name", "rating_value", "best_rating", "worst_rating",
    "url", "feed_id", "state"))
print(json.dumps({{"status": result.status, "again": again.status, "rows": rows}}))
"""


def _verdict(text: str, author: str, status: str):
    claim = ClaimFactory(text=text, claimant=ClaimantFactory(name=author))
    ids = [add_evidence(claim, url="", article=ArticleFactory(), stance=stance).pk for stance in STANCES]
    services.claim_change_status(claim_id=claim.pk, to_status=status, rationale="Shown.", evidence_ids=ids)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def second_install(tmp_path):
    s = connection.settings_dict
    name = f"{s['NAME']}_second"
    admin = f"host={s.get('HOST') or '127.0.0.1'} port={s.get('PORT') or 5432} user={s.get('USER') or 'postgres'}"
    with psycopg.connect(admin + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    host = quote(s.get("HOST") or "127.0.0.1", safe="")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env = {
        **base,
        "DATABASE_URL": f"postgres://{s.get('USER') or 'postgres'}@{host}:{s.get('PORT') or 5432}/{name}",
        "INGEST_ALLOW_PRIVATE_NETWORKS": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "second-media"),
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("migrate", "--no-input", "-v", "0")
    yield manage
    with psycopg.connect(admin + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_our_datafeed_polled_by_a_second_empty_install_gives_one_suggestion_per_review(live_server, second_install):
    claims = [
        _verdict("Russian forces control Soledar", "Russia's Defense Ministry", Status.CONFIRMED),
        _verdict("Wagner alone took Soledar", "Yevgeny Prigozhin", Status.REFUTED),
        _verdict("Only 500 people remain in Soledar", "Pavlo Kyrylenko", Status.PARTLY_CONFIRMED),
        _verdict("The battles in Soledar continued overnight", "Hanna Malyar", Status.RETRACTED),
    ]
    ClaimFactory(text="An open claim stays out of the feed")
    url = live_server.url + reverse("api-claimreview-feed")

    out = json.loads(second_install("shell", "-c", POLL.format(url=url)).strip().splitlines()[-1])

    assert out["status"] == "ok" and out["again"] in ("ok", "not_modified")
    rows = out["rows"]
    assert len(rows) == len(claims)  # one per review, and a second poll added none
    by_text = {row["claim_reviewed"]: row for row in rows}
    for claim in claims:
        row = by_text[claim.text]
        assert row["rating_name"] == Status(claim.status).label
        assert row["rating_value"] == str(REVIEW_RATINGS[claim.status])
        assert (row["best_rating"], row["worst_rating"]) == (str(BEST_RATING), str(WORST_RATING))
        assert row["claim_author"] == claim.claimant.name and row["reviewer"]
        assert row["url"] == live_server.url + claim.get_absolute_url() and row["state"] == "new"
