"""The safe HTTP client over TLS, against real HTTPS servers on 127.0.0.1 with a throwaway CA (tests/ingest/tls.py).

The client connects to the checked address and must still send the site's name in SNI, check the certificate
against that name, and keep the fetch's deadline through the handshake and the body.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from claims_tracker.ingest.fetching import ConnectionFailed, Timeout, safe_fetch
from tests.ingest.tls import TLSServer, make_certificates, trusting


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(certs, allow_private):
    with trusting(certs.ca):
        yield


@pytest.fixture
def tls_server(certs):
    server = TLSServer(certs)
    yield server
    server.close()


def test_it_fetches_over_tls_and_names_the_site_in_sni(tls_server: TLSServer, trusted):
    result = safe_fetch(tls_server.url("/"), allowed_content_types=("text/html",))
    assert result.body == b"<p>secure</p>"
    assert tls_server.server_names == ["localhost"]


def test_it_checks_a_certificate_for_an_address_against_that_address(tls_server: TLSServer, trusted):
    assert safe_fetch(tls_server.url("/", host="127.0.0.1")).body == b"<p>secure</p>"
    assert tls_server.server_names == [None]  # no SNI for an address; its certificate names 127.0.0.1


def test_it_refuses_a_certificate_for_another_name(tmp_path, allow_private):
    other = make_certificates(tmp_path, names=("news.example",), ips=())
    server = TLSServer(other)
    try:
        with trusting(other.ca), pytest.raises(ConnectionFailed, match="TLS failed") as info:
            safe_fetch(server.url("/"))
        assert info.value.transient is False
        assert server.server_names == ["localhost"]  # the handshake was tried with the name it was given
    finally:
        server.close()


def test_it_refuses_a_certificate_it_does_not_trust(tls_server: TLSServer, tmp_path, allow_private):
    stranger = make_certificates(tmp_path)  # another CA: the server's certificate is not signed by it
    with trusting(stranger.ca), pytest.raises(ConnectionFailed, match="TLS failed") as info:
        safe_fetch(tls_server.url("/"))
    assert info.value.transient is False
    assert tls_server.handshakes == 0


def test_the_deadline_covers_headers_dripping_over_tls(certs, trusted):
    def drip(tls):
        tls.recv(65536)
        tls.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(60):
            tls.sendall(b"a")
            time.sleep(1)

    server = TLSServer(certs, respond=drip)
    try:
        # Each byte comes within any read timeout: only the whole-fetch deadline, named in the error, ends it.
        with pytest.raises(Timeout, match=r"within 2 s\.$"):
            safe_fetch(server.url("/"), deadline=2)
    finally:
        server.close()


def test_the_deadline_covers_a_dripping_tls_handshake(trusted):
    """A server that starts a TLS record and sends the rest a byte a second: every read is answered in time."""
    listener = socket.create_server(("127.0.0.1", 0))

    def drip_handshake():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)  # the ClientHello
            try:
                conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB is coming
                for _ in range(60):
                    conn.sendall(b"\x00")
                    time.sleep(1)
            except OSError:
                return

    thread = threading.Thread(target=drip_handshake, daemon=True)
    thread.start()
    try:
        with pytest.raises(Timeout, match=r"within 2 s\.$"):
            safe_fetch(f"https://localhost:{listener.getsockname()[1]}/", deadline=2)
    finally:
        listener.close()
        thread.join(timeout=5)
