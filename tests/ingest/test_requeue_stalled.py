"""The sweep that sends again an article whose message was lost or whose worker died, and the claim that makes a
second message for an article a live worker holds do nothing (issue #22, items 1 and 3). Delivery through a real
broker and worker, with Redis and the worker killed, is in tests/faults."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import services, tasks
from claims_tracker.ingest.models import Candidate, FetchedPage
from claims_tracker.ingest.pipeline import claim
from tests.ingest.pages import seed_text

pytestmark = pytest.mark.django_db
PAST = timedelta(seconds=1)


def _article(state: str, *, url: str = "http://example.test/a", due: bool = True, holder: str = "") -> Article:
    deadline = timezone.now() + (-PAST if due else timedelta(minutes=5))
    return Article.objects.create(url=url, ingest_state=state, ingest_deadline=deadline, ingest_holder=holder)


class TestArticleClaim:
    def test_it_takes_a_queued_article_once(self):
        article = _article(IngestState.QUEUED, due=False)
        assert claim.article_claim(article.pk, holder="first") is True
        assert claim.article_claim(article.pk, holder="second") is False  # a duplicate message
        article.refresh_from_db()
        assert article.ingest_state == IngestState.FETCHING and article.ingest_holder == "first"
        assert article.ingest_deadline > timezone.now() + timedelta(seconds=290)

    def test_the_same_delivery_takes_it_back_after_its_worker_died(self):
        article = _article(IngestState.FETCHING, due=False, holder="first")
        assert claim.article_claim(article.pk, holder="first") is True

    def test_anyone_takes_it_once_its_deadline_has_passed(self):
        article = _article(IngestState.EXTRACTING, due=True, holder="dead")
        assert claim.article_claim(article.pk, holder="") is True

    @pytest.mark.parametrize("state", [IngestState.DONE, IngestState.FAILED])
    def test_it_never_takes_a_finished_article(self, state):
        article = _article(state, due=True)
        assert claim.article_claim(article.pk, holder="x") is False
        assert Article.objects.get(pk=article.pk).ingest_state == state


class TestArticlesRequeueStalled:
    def test_it_sends_again_what_waited_or_stalled_past_its_deadline(self, django_capture_on_commit_callbacks):
        lost = _article(IngestState.QUEUED, url="http://example.test/lost")
        dead = _article(IngestState.FETCHING, url="http://example.test/dead", holder="gone")
        text = Article.objects.create(text=seed_text(), content_hash="h", ingest_state=IngestState.QUEUED)
        waiting = _article(IngestState.QUEUED, url="http://example.test/waiting", due=False)
        running = _article(IngestState.FETCHING, url="http://example.test/running", due=False, holder="alive")
        finished = [_article(s, url=f"http://example.test/{s}") for s in (IngestState.DONE, IngestState.FAILED)]
        with django_capture_on_commit_callbacks(execute=False) as sent:
            ids = services.articles_requeue_stalled()
        assert sorted(ids) == sorted([lost.pk, dead.pk, text.pk])  # null deadline (before the sweep): due
        assert len(sent) == 3
        for article in (lost, dead, text):
            article.refresh_from_db()
            assert article.ingest_state == IngestState.QUEUED
            assert article.ingest_deadline > timezone.now() + timedelta(seconds=100)
        assert Article.objects.get(pk=waiting.pk).ingest_state == IngestState.QUEUED
        assert Article.objects.get(pk=running.pk).ingest_state == IngestState.FETCHING
        assert [Article.objects.get(pk=a.pk).ingest_state for a in finished] == [IngestState.DONE, IngestState.FAILED]
        # A second sweep right after sends nothing: the deadlines moved on.
        with django_capture_on_commit_callbacks(execute=False) as again:
            assert services.articles_requeue_stalled() == []
        assert again == []

    def test_the_old_message_of_a_swept_article_does_nothing_once_the_new_one_holds_it(self):
        article = _article(IngestState.FETCHING, holder="old")
        services.articles_requeue_stalled()
        assert claim.article_claim(article.pk, holder="new") is True
        assert claim.article_claim(article.pk, holder="old") is False

    def test_it_leaves_a_saved_page_to_its_command(self):
        article = _article(IngestState.EXTRACTING)
        FetchedPage.objects.create(article=article, final_url=article.url, content_type="text/html", body=b"<p>x</p>")
        assert services.articles_requeue_stalled() == []

    def test_a_swept_text_is_done_once(self, django_capture_on_commit_callbacks):
        article = Article.objects.create(text=seed_text(), content_hash="h2", ingest_state=IngestState.QUEUED)
        with django_capture_on_commit_callbacks(execute=True):
            services.articles_requeue_stalled()  # tasks run in-process here (CELERY_TASK_ALWAYS_EAGER)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE
        count = Candidate.objects.filter(article=article).count()
        assert count > 0
        assert tasks.find_candidates.run(article.pk) == count  # a late duplicate: nothing more
        assert Candidate.objects.filter(article=article).count() == count
