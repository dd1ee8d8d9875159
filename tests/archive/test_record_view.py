"""Editors open an archived copy rendered inert; the claim pages show the copy (editors) and its hash (readers)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from claims_tracker.archive import inert, services
from claims_tracker.ingest.fetching import safe_fetch
from tests.factories import ClaimFactory, UserFactory, add_evidence

pytestmark = pytest.mark.django_db

HOSTILE = """<html><head><title>t</title>
<script src="https://tracker.example/t.js"></script><script>document.title = "ran"</script>
<link rel="stylesheet" href="https://cdn.example/site.css">
<style>body { background: url(https://img.example/bg.png) }</style>
<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">
</head><body onload="alert(1)">
<p>Soledar <b>fell</b>.</p><img src="https://img.example/photo.jpg" alt="photo" srcset="https://img.example/2x.jpg 2x">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
<iframe src="https://frame.example/"></iframe><a href="https://source.example/post" onclick="x()">source</a>
<form action="https://post.example/"><input name="q"></form><object data="https://obj.example/x.swf"></object>
</body></html>"""


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def record(server, allow_private):
    return services.record_store(result=safe_fetch(server.route("/hostile", HOSTILE)))


class TestRecordView:
    def test_it_shows_the_page_inert_under_a_strict_policy(self, editor_client, record):
        response = editor_client.get(reverse("archive-record", args=[record.pk]))
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == inert.CSP
        assert "sandbox" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert "Soledar <b>fell</b>." in html and record.sha256 in html
        for outside in ("tracker.example", "cdn.example", "img.example", "frame.example", "obj.example"):
            assert outside not in html, outside
        for active in ("<script", "onload", "onclick", "<iframe", "<form", "<object", "http-equiv", "<link"):
            assert active not in html.split("</style>", 1)[1], active
        assert 'src="data:image/png;base64,iVBORw0KGgo="' in html  # data: images stay
        assert 'href="https://source.example/post"' in html  # a link is not a request

    def test_plain_text_is_shown_escaped(self, editor_client, server, allow_private):
        text = services.record_store(
            result=safe_fetch(server.route("/t", "<script>x</script>", headers={"Content-Type": "text/plain"}))
        )
        html = editor_client.get(reverse("archive-record", args=[text.pk])).content.decode()
        assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html

    def test_other_types_download_as_warc(self, editor_client, server, allow_private):
        pdf = services.record_store(
            result=safe_fetch(server.route("/d.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"}))
        )
        response = editor_client.get(reverse("archive-record", args=[pdf.pk]))
        assert response["Content-Type"] == "application/warc" and "attachment" in response["Content-Disposition"]

    def test_the_warc_file_downloads(self, editor_client, record, archive_dir):
        response = editor_client.get(reverse("archive-record-warc", args=[record.pk]))
        assert b"".join(response.streaming_content) == (archive_dir / record.file_name).read_bytes()

    def test_it_requires_an_editor(self, client, record):
        url = reverse("archive-record", args=[record.pk])
        assert client.get(url).status_code == 302
        reader = Client()
        reader.force_login(UserFactory(username="reader"))
        assert reader.get(url).status_code == 403
        assert reader.get(reverse("archive-record-warc", args=[record.pk])).status_code == 403

    def test_it_rejects_post(self, editor_client, record):
        assert editor_client.post(reverse("archive-record", args=[record.pk])).status_code == 405

    def test_an_unknown_record_is_404(self, editor_client):
        assert editor_client.get(reverse("archive-record", args=[999999])).status_code == 404

    def test_a_missing_file_is_404_not_500(self, editor_client, record, archive_dir):
        (archive_dir / record.file_name).unlink()
        assert editor_client.get(reverse("archive-record", args=[record.pk])).status_code == 404
        assert editor_client.get(reverse("archive-record-warc", args=[record.pk])).status_code == 404


class TestClaimPages:
    @pytest.fixture
    def claim(self, server, allow_private, run_on_commit):
        claim = ClaimFactory()
        run_on_commit(add_evidence, claim, url=server.route("/ev", "<p>withdrawn</p>"))
        run_on_commit(add_evidence, claim, url=server.url("/missing"))
        return claim

    def test_editors_see_the_archived_copy_with_its_date_and_the_failure(self, editor_client, claim):
        from claims_tracker.archive.models import EvidenceArchive

        archived = EvidenceArchive.objects.select_related("record").get(state="archived")
        html = editor_client.get(reverse("desk-claim-edit", args=[claim.pk])).content.decode()
        stamp = archived.record.fetched_at
        assert f'archived copy, <time datetime="{stamp.isoformat()}"' in html
        assert reverse("archive-record", args=[archived.record_id]) in html
        assert "archive failed after 1 attempt: The server answered HTTP 404" in html

    def test_readers_see_that_a_copy_exists_and_its_hash(self, client, claim):
        from claims_tracker.archive.models import EvidenceArchive

        archived = EvidenceArchive.objects.select_related("record").get(state="archived")
        html = client.get(claim.get_absolute_url()).content.decode()
        assert f"archived copy · SHA-256 <code>{archived.record.sha256}</code>" in html
        assert reverse("archive-record", args=[archived.record_id]) not in html
        assert "HTTP 404" not in html  # failures are the desk's business
