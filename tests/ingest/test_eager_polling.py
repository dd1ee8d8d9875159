"""poll_feeds on the embedded default: no broker, tasks run eagerly in-process (CELERY_TASK_ALWAYS_EAGER with
CELERY_TASK_EAGER_PROPAGATES). It must end as a worker would: a transient error retried (or the article failed
with the reason), every feed's lease released, nothing left queued, and no traceback out of the command.

The data is committed for real (transactional tests), so the after-commit enqueues run as they do in a user's
process, not through a captured callback list.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import polling
from claims_tracker.ingest.models import Feed, FeedStatus
from tests.ingest.conftest import _database_url
from tests.ingest.pages import rss, short_page
from tests.ingest.server import LocalServer, busy_at_first

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
INTERVAL = 300  # shorter than the claim's lease, so a released lease shows in next_poll_at


def serve_feeds(server: LocalServer) -> dict[str, Feed]:
    """Four feeds: two good ones (one with an article that is busy once and one that is always down), a feed
    that is not XML and one whose server fails. The busy article comes first in its feed: before the fix, its
    error stopped the articles after it."""
    server.route("/b/busy", handler=busy_at_first(short_page(10)))
    server.route("/b/down", b"down", status=503, headers={"Content-Type": "text/plain"})
    good = [(f"a{i}", server.route(f"/a/{i}", short_page(i)), f"Report {i}") for i in range(3)]
    flaky = [("b-busy", server.url("/b/busy"), "Busy once"), ("b-down", server.url("/b/down"), "Always down")]
    flaky += [(f"b{i}", server.route(f"/b/{i}", short_page(20 + i)), f"Report b{i}") for i in range(3)]
    urls = {
        "good": server.route("/a.xml", rss(good, title="Good feed"), headers=RSS_TYPE),
        "flaky": server.route("/b.xml", rss(flaky, title="Flaky feed"), headers=RSS_TYPE),
        "not_xml": server.route("/c.xml", "this is not a feed at all", headers=RSS_TYPE),
        "erroring": server.route("/d.xml", "oops", status=500, headers={"Content-Type": "text/plain"}),
    }
    return {name: Feed.objects.create(url=url, poll_interval=INTERVAL) for name, url in urls.items()}


def assert_polled_as_a_worker_would(server: LocalServer, feeds: dict[str, Feed]) -> None:
    for feed in feeds.values():
        feed.refresh_from_db()
    assert {name: feed.last_status for name, feed in feeds.items()} == {
        "good": FeedStatus.OK,
        "flaky": FeedStatus.OK,
        "not_xml": FeedStatus.BROKEN,
        "erroring": FeedStatus.FAILED,
    }
    assert "HTTP 500" in feeds["erroring"].last_error and feeds["not_xml"].last_error.startswith("Broken feed:")
    # Leases released: each feed's next poll is its interval (or its backoff), not the claim's lease.
    for feed in feeds.values():
        assert feed.last_polled_at is not None
        assert feed.next_poll_at < feed.last_polled_at + polling.claim_lease() - timedelta(minutes=4), feed.url
    later = timezone.now() + polling.claim_lease() - timedelta(minutes=4)
    assert sorted(polling.feeds_claim_due(now=later)) == sorted(f.pk for f in feeds.values())

    states = dict(Article.objects.values_list("url", "ingest_state"))
    assert len(states) == 8
    assert states.pop(server.url("/b/down")) == IngestState.FAILED
    assert set(states.values()) == {IngestState.DONE}, states  # the busy one too, and every one after it
    down = Article.objects.get(url=server.url("/b/down"))
    assert "HTTP 503" in down.last_error
    assert len(server.hits_for("/b/busy")) == 2
    assert len(server.hits_for("/b/down")) == django_settings.INGEST_MAX_RETRIES + 1


@pytest.fixture(autouse=True)
def _eager(settings, allow_private):
    from claims_tracker.celery import app

    assert app.conf.task_always_eager and app.conf.task_eager_propagates  # the embedded default's Celery


class TestPollFeedsEagerly:
    def test_a_transient_error_and_broken_feeds_leave_nothing_queued_or_claimed(self, server):
        feeds = serve_feeds(server)
        out, err = io.StringIO(), io.StringIO()
        call_command("poll_feeds", stdout=out, stderr=err)
        assert_polled_as_a_worker_would(server, feeds)
        summary = out.getvalue()
        assert "Polled 4 feed(s); 2 failed." in summary
        assert f"feed {feeds['not_xml'].pk} ({feeds['not_xml'].url}): broken, Broken feed:" in summary
        assert f"feed {feeds['erroring'].pk} ({feeds['erroring'].url}): failed, The server answered HTTP 500" in summary

    def test_a_poll_that_breaks_records_the_failure_and_releases_the_lease(self, server, monkeypatch):
        feeds = serve_feeds(server)

        def broken(*args, **kwargs):
            raise RuntimeError("parser bug")

        monkeypatch.setattr(polling, "parse_feed", broken)
        out = io.StringIO()
        call_command("poll_feeds", "--feed", str(feeds["good"].pk), stdout=out, stderr=io.StringIO())
        feed = Feed.objects.get(pk=feeds["good"].pk)
        assert feed.last_status == FeedStatus.FAILED and feed.consecutive_failures == 1
        assert feed.last_error == "The poll stopped on an unexpected error: RuntimeError: parser bug"
        assert feed.next_poll_at < feed.last_polled_at + polling.claim_lease() - timedelta(minutes=4)
        assert "Polled 1 feed(s); 1 failed." in out.getvalue()
        assert not Article.objects.exists()


class TestPollFeedsCommand:
    def test_it_exits_cleanly_on_the_default_settings(self, server):
        """`manage.py poll_feeds` as a user runs it: default settings (no broker, so eager tasks), only
        DATABASE_URL pointing at this test's database."""
        feeds = serve_feeds(server)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_URL"))}
        env.update(DATABASE_URL=_database_url(), INGEST_ALLOW_PRIVATE_NETWORKS="1", PYTHONPATH=str(ROOT))
        env["DJANGO_MEDIA_ROOT"] = str(django_settings.MEDIA_ROOT)  # page archives into this test's folder
        result = subprocess.run(
            [sys.executable, "manage.py", "poll_feeds"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        assert "Traceback" not in result.stderr, result.stderr[-4000:]
        assert "Polled 4 feed(s); 2 failed." in result.stdout
        assert_polled_as_a_worker_would(server, feeds)


class TestEagerDispatch:
    def test_a_task_that_breaks_is_logged_and_the_next_ones_still_run(self, server, monkeypatch, caplog):
        """As on a worker: the error is logged with its traceback, never raised into the caller, and the tasks
        enqueued after it in the same transaction run."""
        from claims_tracker.ingest import extraction, services

        real_extract = extraction.extract

        def extract(body, *, url=""):
            if url.endswith("/bad"):
                raise RuntimeError("extractor bug")
            return real_extract(body, url=url)

        monkeypatch.setattr(extraction, "extract", extract)
        bad, good = server.route("/bad", short_page(1)), server.route("/good", short_page(2))
        with transaction.atomic():
            services.article_submit_url(url=bad)
            services.article_submit_url(url=good)
        assert Article.objects.get(url=good).ingest_state == IngestState.DONE
        # The article fails where editors see it, not stuck at "extracting"; the traceback is in the log.
        broken = Article.objects.get(url=bad)
        assert broken.ingest_state == IngestState.FAILED
        assert broken.last_error == "Processing stopped on an unexpected error (RuntimeError)."
        failures = [r for r in caplog.records if "failed in-process" in r.getMessage()]
        assert len(failures) == 1 and "RuntimeError: extractor bug" in failures[0].getMessage()
        assert "Traceback" in failures[0].getMessage()
