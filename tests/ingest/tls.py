"""TLS for fetch tests and the fetch bench: a throwaway CA and server certificate (the openssl command line), and a
small HTTPS server on 127.0.0.1 that records the name each client asked for (SNI).

The fetch client trusts the CA through the standard SSL_CERT_FILE variable (its context loads the default
verify paths, which read it); `trusting(ca)` sets it and drops the client's cached context, both ways.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA certificate, to trust
    cert: Path  # the server's certificate, signed by the CA
    key: Path


def make_certificates(directory: Path, *, names: tuple[str, ...] = ("localhost",), ips=("127.0.0.1",)) -> Certificates:
    """A CA and a server certificate for `names` and `ips`, valid for two days."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=60)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Claims Tracker test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={names[0]}")
    alt = ",".join([f"DNS:{n}" for n in names] + [f"IP:{ip}" for ip in ips])
    (directory / "server.ext").write_text(
        f"subjectAltName={alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature\n"
    )
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext")  # fmt: skip
    return Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")


@contextmanager
def trusting(ca: Path) -> Iterator[None]:
    """The fetch client trusts `ca` (and nothing else) inside the block."""
    from claims_tracker.ingest.fetching import connection

    old = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(ca)
    connection.forget_tls_context()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = old
        connection.forget_tls_context()


def page(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


class TLSServer:
    """HTTPS on 127.0.0.1 (port 0): each connection is answered by `respond(tls_socket)` in a thread of its own.

    `respond` defaults to reading the request head and sending `body` as a page. `server_names` lists the SNI each
    handshake carried (None where the client sent none); `handshakes` counts the completed ones.
    """

    def __init__(self, certs: Certificates, body: bytes = b"<p>secure</p>", respond: Callable | None = None):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certs.cert, certs.key)
        self.context.sni_callback = self._sni
        self.server_names: list[str | None] = []
        self.handshakes = 0
        self.body = body
        self.respond = respond or self._page
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "/", host: str = "localhost") -> str:
        return f"https://{host}:{self.port}{path}"

    def _sni(self, _sock, name, _context) -> None:
        self.server_names.append(name)

    def _accept(self) -> None:
        while True:
            try:
                raw, _peer = self.listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(30)
        try:
            with self.context.wrap_socket(raw, server_side=True) as tls:
                self.handshakes += 1
                self.respond(tls)
        except OSError:  # ssl.SSLError included: a client refusing our certificate ends its handshake
            pass
        finally:
            raw.close()

    def _page(self, tls: ssl.SSLSocket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = tls.recv(4096)
            if not chunk:
                return
            head += chunk
        tls.sendall(page(self.body))

    def close(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (a close alone would not)
        except OSError:
            pass
        self.listener.close()
        self._thread.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
