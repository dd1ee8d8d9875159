"""An ingested article's page is archived from the bytes the fetch already had: no second request."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from claims_tracker.archive.models import ArchiveRecord, ArticleArchive
from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest import services
from tests.ingest.pages import seed_page

pytestmark = pytest.mark.django_db


class TestArticleArchive:
    def test_the_fetched_page_is_archived_once_without_a_second_fetch(self, server, allow_private, run_on_commit):
        url = server.route("/soledar", seed_page())
        article, _ = run_on_commit(services.article_submit_url, url=url)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE
        kept = ArticleArchive.objects.select_related("record").get(article=article)
        assert kept.record.url == url and kept.record.payload_size == len(seed_page().encode())
        assert len(server.hits_for("/soledar")) == 1

    def test_the_report_page_links_the_archived_copy(self, server, allow_private, run_on_commit, editor):
        from django.test import Client
        from django.urls import reverse

        article, _ = run_on_commit(services.article_submit_url, url=server.route("/r", seed_page()))
        client = Client()
        client.force_login(editor)
        html = client.get(reverse("desk-report", args=[article.pk])).content.decode()
        record_id = ArticleArchive.objects.get(article=article).record_id
        assert f'<a href="{reverse("archive-record", args=[record_id])}">archived copy</a>' in html

    def test_a_twin_article_points_at_the_same_record(self, server, allow_private, run_on_commit):
        first, _ = run_on_commit(services.article_submit_url, url=server.route("/a", seed_page()))
        second, _ = run_on_commit(services.article_submit_url, url=server.route("/amp/a", seed_page()))
        assert ArchiveRecord.objects.count() == 1
        kept = Article.objects.filter(pk__in=[first.pk, second.pk])
        assert ArticleArchive.objects.filter(article__in=kept).exists()

    def test_the_ingest_url_command_archives_too(self, server, allow_private):
        url = server.route("/cmd", seed_page())
        out = io.StringIO()
        call_command("ingest_url", url, "--json", stdout=out, stderr=io.StringIO())
        article_id = json.loads(out.getvalue())["article"]["id"]
        assert ArticleArchive.objects.filter(article_id=article_id).exists()
        assert len(server.hits_for("/cmd")) == 1

    def test_a_broken_archive_never_fails_the_article(self, server, allow_private, run_on_commit, settings):
        settings.STORAGES = {
            **settings.STORAGES,
            "archive": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": "/proc/x"}},
        }
        article, _ = run_on_commit(services.article_submit_url, url=server.route("/s", seed_page()))
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE and article.text
        assert not ArticleArchive.objects.exists()
