"""manage.py archive_verify re-hashes every record; a damaged or missing file is reported and exits 1."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims_tracker.archive import services
from claims_tracker.ingest.fetching import safe_fetch

pytestmark = pytest.mark.django_db


def _verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("archive_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def records(server, allow_private):
    return [services.record_store(result=safe_fetch(server.route(f"/{n}", f"<p>page {n}</p>"))) for n in range(3)]


def _damage(archive_dir, record, new_bytes: bytes) -> None:
    # Renamed so the suite's own `warcio check` of written files (tests/conftest.py) leaves it out.
    path = archive_dir / record.file_name
    path.unlink()
    record.file_name = record.file_name.replace(".warc.gz", ".damaged.warc.gz")
    record.save(update_fields=["file_name"])
    (archive_dir / record.file_name).write_bytes(new_bytes)


class TestArchiveVerify:
    def test_intact_records_pass(self, records):
        out, err = _verify()
        assert "3 record(s) checked, 0 mismatch(es)." in out and err == ""

    def test_a_flipped_byte_is_reported_and_exits_1(self, records, archive_dir):
        data = bytearray((archive_dir / records[1].file_name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        _damage(archive_dir, records[1], bytes(data))
        with pytest.raises(CommandError) as caught:
            _verify()
        assert caught.value.returncode == 1

    def test_the_mismatch_names_the_record(self, records, archive_dir):
        _damage(archive_dir, records[2], b"not a warc file")
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError):
            call_command("archive_verify", stdout=out, stderr=err)
        assert f"record {records[2].pk} " in err.getvalue() and "SHA-256 differs" in err.getvalue()
        assert "3 record(s) checked, 1 mismatch(es)." in out.getvalue()

    def test_a_payload_rewritten_with_a_matching_file_hash_is_still_caught(self, records, archive_dir):
        from claims_tracker.archive import warc

        forged = warc.build(
            url=records[0].url, fetched_at=records[0].fetched_at, status=200, headers={}, body=b"<p>edited</p>"
        )
        _damage(archive_dir, records[0], forged)
        records[0].file_sha256 = hashlib.sha256(forged).hexdigest()
        records[0].save(update_fields=["file_sha256"])
        assert "payload's SHA-256 differs" in services.record_verify(records[0])

    def test_a_missing_file_is_reported(self, records, archive_dir):
        (archive_dir / records[0].file_name).unlink()
        assert "cannot read" in services.record_verify(records[0])
        with pytest.raises(CommandError):
            _verify()
