"""Two worker groups on separate queues, as production runs them: feed polls on a thread-pool worker that
consumes `feeds` only, article extraction on a worker that consumes `ingest` and `default` only."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import services, tasks
from claims_tracker.ingest.models import Feed, FeedStatus
from tests.ingest.conftest import queue_length, wait_until
from tests.ingest.pages import rss, short_page
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def test_polls_and_extraction_each_run_on_their_own_worker_group(celery_procs, server: LocalServer):
    pages = [server.route(f"/news/{i}", short_page(i)) for i in range(3)]
    items = [("a0", pages[0], "A"), ("a1", pages[1], "B")]
    first = Feed.objects.create(url=server.route("/a.xml", rss(items), headers=RSS_TYPE))
    second = Feed.objects.create(url=server.route("/b.xml", rss([("b0", pages[2], "C")]), headers=RSS_TYPE))
    poller = celery_procs.worker(queues=("feeds",), pool="threads", concurrency=4)
    tasks.poll_due_feeds.delay()

    # The pollers alone: both feeds polled, their articles queued on `ingest` and left there for the other group.
    def polled() -> bool:
        return set(Feed.objects.filter(pk__in=[first.pk, second.pk]).values_list("last_status", flat=True)) == {
            FeedStatus.OK
        }

    wait_until(polled, timeout=60, message="both feeds polled by the poller")
    wait_until(lambda: queue_length("ingest") == 3, timeout=30, message="three articles queued for extraction")
    assert set(Article.objects.values_list("ingest_state", flat=True)) == {IngestState.QUEUED}
    assert not any(server.hits_for(f"/news/{i}") for i in range(3))

    extractor = celery_procs.worker(queues=("ingest", "default"))

    def done() -> bool:
        states = list(Article.objects.values_list("ingest_state", flat=True))
        return len(states) == 3 and set(states) == {IngestState.DONE}

    wait_until(done, timeout=90, message="three articles extracted by the extraction worker")
    poller_log, extractor_log = celery_procs.log_of(poller), celery_procs.log_of(extractor)
    assert poller_log.count("tasks.fetch_feed[") >= 2 and "tasks.poll_due_feeds[" in poller_log
    assert "tasks.fetch_article[" not in poller_log
    assert extractor_log.count("tasks.fetch_article[") >= 3
    assert "tasks.fetch_feed[" not in extractor_log and "tasks.poll_due_feeds[" not in extractor_log
    assert all(len(server.hits_for(f"/news/{i}")) == 1 for i in range(3))

    # And the other way round: with no poller running, a poll waits on `feeds` while extraction goes on.
    celery_procs.kill(poller)
    Feed.objects.filter(pk=first.pk).update(next_poll_at=first.created_at)
    tasks.poll_due_feeds.delay()
    wait_until(lambda: queue_length("feeds") == 1, timeout=30, message="the fan-out waiting on the feeds queue")
    article, _ = services.article_submit_url(url=server.route("/news/late", short_page(9)))
    wait_until(lambda: Article.objects.get(pk=article.pk).ingest_state == IngestState.DONE, timeout=60, message="late")
    assert queue_length("feeds") == 1 and len(server.hits_for("/a.xml")) == 1
