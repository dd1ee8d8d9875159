"""WARC files through warcio's public API: one gzip'd response record per fetched page, and reading it back.

The payload is the body as the fetch client handed it over: decompressed (urllib3 decodes Content-Encoding),
so the HTTP headers written with it drop Content-Encoding and Transfer-Encoding and give the true
Content-Length; the headers as received are kept on the ArchiveRecord row. WARC-Payload-Digest is the payload's
SHA-256 (base32, as WARC digests are written); warcio adds the block digest. `warcio check` verifies both.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from io import BytesIO
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

_NOT_REPLAYED = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}


@dataclass
class Payload:
    url: str
    fetched_at: str  # WARC-Date as written
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    payload_digest: str


def payload_digest(sha256_hex: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def build(*, url: str, fetched_at: datetime, status: int, headers: dict[str, str], body: bytes) -> bytes:
    """The bytes of a .warc.gz file holding one response record for `body` fetched from `url`."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    http_headers = [(name, value) for name, value in headers.items() if name.lower() not in _NOT_REPLAYED]
    http_headers.append(("Content-Length", str(len(body))))
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(f"{status} {reason}", http_headers, protocol="HTTP/1.1"),
        warc_headers_dict={
            "WARC-Date": datetime_to_iso_date(fetched_at.replace(tzinfo=None), use_micros=True),
            "WARC-Payload-Digest": payload_digest(hashlib.sha256(body).hexdigest()),
        },
    )
    writer.write_record(record)
    return out.getvalue()


def read(stream: BinaryIO) -> Payload:
    """The first response record of a WARC file. Raises ValueError when there is none or a digest is wrong."""
    for record in ArchiveIterator(stream, check_digests=True):
        if record.rec_type != "response":
            continue
        body = record.content_stream().read()
        if record.digest_checker.passed is False:
            raise ValueError("; ".join(record.digest_checker.problems))
        http = record.http_headers
        return Payload(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            fetched_at=record.rec_headers.get_header("WARC-Date"),
            status=int(http.get_statuscode()),
            headers=list(http.headers),
            body=body,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        )
    raise ValueError("The file holds no response record.")
