"""record_store: fetched bytes -> one gzip'd WARC response record in the archive storage, de-duplicated by digest."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime

import pytest
from warcio.archiveiterator import ArchiveIterator

from claims_tracker.archive import services, warc
from claims_tracker.archive.models import ArchiveRecord
from claims_tracker.ingest.fetching import safe_fetch

pytestmark = pytest.mark.django_db

PAGE = "<html><head><title>Soledar</title></head><body><p>Russian forces claim Soledar.</p></body></html>"


@pytest.fixture(autouse=True)
def _allow(allow_private):
    pass


class TestRecordStore:
    def test_it_writes_a_warc_response_with_url_time_headers_and_sha256(self, server, archive_dir):
        server.route("/old", status=301, headers={"Location": "/final"})
        server.route("/final", PAGE, headers={"Content-Type": "text/html; charset=utf-8", "X-Served-By": "local"})
        when = datetime(2023, 1, 25, 14, 2, 7, tzinfo=UTC)
        record = services.record_store(result=safe_fetch(server.url("/old")), fetched_at=when)

        digest = hashlib.sha256(PAGE.encode()).hexdigest()
        assert record.sha256 == digest
        assert record.url == server.url("/final")  # the final URL, after the redirect
        assert record.fetched_at == when
        assert record.headers["x-served-by"] == "local"
        path = archive_dir / record.file_name
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == record.file_sha256 and len(data) == record.file_size
        with open(path, "rb") as handle:
            records = list(_records(handle))
        assert [r[0] for r in records] == ["response"]
        _, headers, http, body = records[0]
        assert headers["WARC-Target-URI"] == server.url("/final")
        assert headers["WARC-Date"].startswith("2023-01-25T14:02:07")
        assert headers["WARC-Payload-Digest"] == warc.payload_digest(digest)
        assert http.get_statuscode() == "200" and http.get_header("X-Served-By") == "local"
        assert http.get_header("Content-Length") == str(len(PAGE.encode()))
        assert body == PAGE.encode()

    def test_each_record_is_its_own_gzip_member(self, server, archive_dir):
        record = services.record_store(result=safe_fetch(server.route("/p", PAGE)))
        raw = (archive_dir / record.file_name).read_bytes()
        assert raw[:2] == b"\x1f\x8b" and gzip.decompress(raw).startswith(b"WARC/1.1\r\n")

    def test_a_gzip_encoded_page_is_stored_decoded_with_headers_that_say_so(self, server, archive_dir):
        encoded = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        server.route("/gz", gzip.compress(PAGE.encode()), headers=encoded)
        record = services.record_store(result=safe_fetch(server.url("/gz")))
        payload = services.record_payload(record)
        assert payload.body == PAGE.encode()
        assert all(name.lower() != "content-encoding" for name, _ in payload.headers)
        assert record.headers["content-encoding"] == "gzip"  # as received, on the row

    def test_the_same_bytes_twice_are_one_record_and_one_file(self, server, archive_dir):
        first = services.record_store(result=safe_fetch(server.route("/a", PAGE)))
        second = services.record_store(result=safe_fetch(server.route("/b", PAGE)))
        assert first.pk == second.pk and ArchiveRecord.objects.count() == 1
        assert len(list(archive_dir.rglob("*.warc.gz"))) == 1

    def test_different_bytes_are_different_records(self, server):
        first = services.record_store(result=safe_fetch(server.route("/a", PAGE)))
        second = services.record_store(result=safe_fetch(server.route("/b", PAGE + " ")))
        assert first.pk != second.pk and first.sha256 != second.sha256

    def test_a_record_reads_back_and_verifies(self, server):
        record = services.record_store(result=safe_fetch(server.route("/a", PAGE)))
        assert services.record_payload(record).body == PAGE.encode()
        assert services.record_verify(record) == ""


def _records(handle):
    for rec in ArchiveIterator(handle, check_digests=True):
        body = rec.content_stream().read()
        assert rec.digest_checker.passed is not False, rec.digest_checker.problems
        yield rec.rec_type, dict(rec.rec_headers.headers), rec.http_headers, body


def test_a_concurrent_writer_of_the_same_bytes_keeps_one_record_and_one_file(
    server, allow_private, archive_dir, monkeypatch
):
    """Two processes archive the same page at once: both pass the look-up, both write; the row decides."""
    result = safe_fetch(server.route("/same", PAGE))
    first = services.record_store(result=result)
    # The second writer's look-up ran before the first's INSERT: it finds nothing.
    monkeypatch.setattr(ArchiveRecord.objects, "filter", lambda **_kw: ArchiveRecord.objects.none())
    second = services.record_store(result=result, fetched_at=first.fetched_at.replace(year=2030))
    assert second.pk == first.pk and ArchiveRecord.objects.count() == 1
    assert [p.relative_to(archive_dir).as_posix() for p in archive_dir.rglob("*.warc.gz")] == [first.file_name]
