from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from claims_tracker.claims.models import Article
from claims_tracker.ingest.models import Candidate
from tests.ingest.pages import seed_text as read_seed_text
from tests.ingest.pages import short_page
from tests.ingest.server import LocalServer, busy_at_first


@pytest.fixture
def seed_text() -> str:
    return read_seed_text()


@pytest.fixture
def report_server(seed_text):
    """A real HTTP server on 127.0.0.1 serving the seed report as an HTML page."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in seed_text.split("\n\n") if p.strip())
    page = (
        "<!doctype html><html><head><title>Russia claims control of Soledar</title></head>"
        f"<body><article><h1>Russia claims control of Soledar</h1>{paragraphs}</article></body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/soledar"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class TestReportAdd:
    def test_it_shows_both_ways_in(self, editor_client, db):
        response = editor_client.get(reverse("desk-report-add"))
        assert response.status_code == 200
        html_text = response.content.decode()
        assert "By URL" in html_text and "By pasting its text" in html_text

    def test_it_finds_candidates_in_pasted_text(
        self, editor_client, editor, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(
                reverse("desk-report-add"),
                {"t-text": seed_text, "t-title": "Soledar", "t-published_at": "2023-01-13T09:40"},
            )
        assert response.status_code == 302
        article = Article.objects.get()
        assert response["Location"] == reverse("desk-report", args=[article.pk])
        assert article.requested_by == editor and article.title == "Soledar"
        assert Candidate.objects.filter(article=article).count() >= 5
        page = editor_client.get(response["Location"]).content.decode()
        assert "Malyar" in page and "awaiting triage" in page

    def test_it_keeps_the_text_when_it_refuses_it(self, editor_client, db):
        response = editor_client.post(reverse("desk-report-add"), {"t-text": "Too short.", "t-title": "Kept title"})
        assert response.status_code == 200
        form = response.context["text_form"]
        assert "too short" in form.errors["text"][0]
        assert form["title"].value() == "Kept title"
        assert not Article.objects.exists()

    def test_it_refuses_a_private_address_on_the_url_field(self, editor_client, settings, db):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        response = editor_client.post(reverse("desk-report-add"), {"u-url": "http://127.0.0.1:9/internal"})
        form = response.context["url_form"]
        assert form.errors["url"], form.errors
        assert form["url"].value() == "http://127.0.0.1:9/internal"
        assert not Article.objects.exists()

    def test_it_fetches_a_url_and_reports_progress(
        self, editor_client, settings, report_server, django_capture_on_commit_callbacks
    ):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(reverse("desk-report-add"), {"u-url": report_server})
        assert response.status_code == 302
        article = Article.objects.get()
        progress = editor_client.get(reverse("desk-report-progress", args=[article.pk])).json()
        assert progress["state"] == "done", progress
        assert progress["pending"] is False and progress["candidates"] >= 5

    @pytest.mark.django_db(transaction=True)
    def test_a_busy_site_is_retried_in_the_request_on_eager_tasks(self, editor_client, settings):
        """No broker: the fetch runs in the request once it commits; a 503 is tried again, not a server error."""
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
        server = LocalServer()
        try:
            url = server.route("/news/busy", handler=busy_at_first(short_page(1)))
            response = editor_client.post(reverse("desk-report-add"), {"u-url": url})
            hits = len(server.hits_for("/news/busy"))
        finally:
            server.close()
        assert response.status_code == 302
        article = Article.objects.get()
        assert (article.ingest_state, article.last_error, hits) == ("done", "", 2)


class TestReportProgress:
    def test_it_says_a_queued_report_is_pending(self, editor_client, editor, db):
        article = Article.objects.create(url="https://news.example/a", ingest_state="queued", requested_by=editor)
        data = editor_client.get(reverse("desk-report-progress", args=[article.pk])).json()
        assert data["pending"] is True and data["steps"][0]["current"] is True
        page = editor_client.get(reverse("desk-report", args=[article.pk])).content.decode()
        assert 'data-pending="1"' in page and "this page updates by itself" in page

    def test_it_shows_a_failure_with_its_error(self, editor_client, db):
        article = Article.objects.create(url="https://news.example/b", ingest_state="failed", last_error="HTTP 404")
        page = editor_client.get(reverse("desk-report", args=[article.pk])).content.decode()
        assert "Failed:" in page and "HTTP 404" in page
