"""ingest_url, ingest_file and poll_feeds: real files, a real server on 127.0.0.1, JSON read back."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from claims_tracker.claims.models import Article, IngestState
from claims_tracker.ingest.models import Feed
from tests.ingest.pages import rss, seed_page, seed_text, short_page

pytestmark = pytest.mark.django_db


def run(*args, stdin: bytes | None = None, monkeypatch=None) -> dict:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    call_command(*args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


class TestIngestFile:
    def test_a_text_file_keeps_its_text_and_offsets(self, tmp_path):
        path = tmp_path / "seed.txt"
        path.write_text(seed_text(), encoding="utf-8")
        data = run("ingest_file", str(path))
        text = data["article"]["text"]
        assert text == seed_text()
        assert data["article"]["state"] == "done"
        assert len(data["candidates"]) >= 8
        keys = {"speaker", "claimant", "statement", "quote", "verb", "stance", "confidence", "start", "end"}
        for c in data["candidates"]:
            assert keys <= set(c)
            assert 0 <= c["start"] < c["end"] <= len(text)
        malyar = next(c for c in data["candidates"] if "Malyar" in c["speaker"])
        assert malyar["quote"] in text[malyar["start"] : malyar["end"]] or malyar["quote"] in text

    def test_standard_input_is_read_with_a_dash(self, monkeypatch):
        data = run("ingest_file", "-", stdin=seed_text().encode(), monkeypatch=monkeypatch)
        assert data["article"]["text"] == seed_text()

    def test_an_html_file_is_extracted(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text(seed_page(canonical="https://news.example/soledar"), encoding="utf-8")
        data = run("ingest_file", str(path))
        assert data["article"]["title"] == "Russia claims control of Soledar"
        assert data["article"]["canonical_url"] == "https://news.example/soledar"
        assert "<p>" not in data["article"]["text"]
        assert data["candidates"]

    @pytest.mark.parametrize("url", ["javascript:alert('x')//", "data:text/html,<script>x</script>", "https://"])
    def test_an_html_file_with_a_url_that_is_not_http_is_refused_and_nothing_stored(self, tmp_path, url):
        # Issue #22 what broke 9: the URL was stored as given and became the article page's link.
        path = tmp_path / "page.html"
        path.write_text(seed_page(), encoding="utf-8")
        with pytest.raises(CommandError, match="--url: "):
            call_command("ingest_file", str(path), "--url", url, stdout=io.StringIO(), stderr=io.StringIO())
        assert not Article.objects.exists()

    def test_a_feed_file_ingests_each_entry(self, tmp_path, server, allow_private):
        links = [server.route(f"/n/{i}", short_page(i)) for i in range(2)]
        path = tmp_path / "feed.xml"
        path.write_text(rss([(f"g{i}", link, f"R{i}") for i, link in enumerate(links)]), encoding="utf-8")
        data = run("ingest_file", str(path))
        assert [a["article"]["state"] for a in data["articles"]] == ["done", "done"]
        assert data["feed"]["version"] == "rss20"

    def test_a_broken_feed_file_fails_with_the_reason(self, tmp_path):
        path = tmp_path / "bad.xml"
        path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "&b;&b;">]><rss>&a;</rss>')
        with pytest.raises(CommandError, match="entity"):
            call_command("ingest_file", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    @pytest.mark.parametrize("content", [b"", b"   \n"])
    def test_an_empty_file_is_refused(self, tmp_path, content):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        with pytest.raises(CommandError, match="empty"):
            call_command("ingest_file", str(path), stdout=io.StringIO())
        assert Article.objects.count() == 0

    def test_a_missing_file_is_a_clear_error(self):
        with pytest.raises(CommandError, match="No such file"):
            call_command("ingest_file", "/nonexistent/file.txt", stdout=io.StringIO())


class TestIngestUrl:
    def test_it_prints_the_article_and_candidates(self, server, allow_private):
        data = run("ingest_url", server.route("/seed", seed_page()))
        assert data["article"]["state"] == "done"
        assert any("Konashenkov" in c["speaker"] for c in data["candidates"])

    def test_a_refused_url_is_a_clear_error(self, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(CommandError, match="link-local"):
            call_command("ingest_url", "http://169.254.169.254/", stdout=io.StringIO())
        assert Article.objects.count() == 0

    def test_a_failed_fetch_fails_the_command_with_the_reason(self, server, allow_private):
        with pytest.raises(CommandError, match="HTTP 404"):
            call_command("ingest_url", server.url("/nothing"), stdout=io.StringIO(), stderr=io.StringIO())
        assert Article.objects.get().ingest_state == IngestState.FAILED


class TestPollFeeds:
    def test_it_polls_every_active_feed_now(self, server, allow_private, django_capture_on_commit_callbacks):
        link = server.route("/n/1", short_page(1))
        feed = Feed.objects.create(url=server.route("/rss", rss([("g", link, "One")])))
        Feed.objects.create(url=server.route("/paused", rss([])), active=False)
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("poll_feeds", "--json", stdout=out, stderr=io.StringIO())
        data = json.loads(out.getvalue())
        assert [f["feed_id"] for f in data["feeds"]] == [feed.pk]
        assert data["feeds"][0]["new_articles"] == 1
        assert Article.objects.get().ingest_state == IngestState.DONE
        assert server.hits_for("/paused") == []
