"""A connection to the address we checked, through urllib3's public connection classes and parameters.

`HTTPConnection(checked_ip, port)` connects to the address itself (no name to resolve); the client sends the
site's name in the Host header. For TLS, `HTTPSConnection(checked_ip, port, server_hostname=host,
assert_hostname=host)` sends the name in SNI and checks the certificate against it (urllib3 matches it, IP
addresses included), with one TLS context per process (urllib3 would build and load the CA store for each
connection).

Every socket is under the fetch's deadline (deadlines.py) before anything is read from it: the TCP connect is
one call bounded by its timeout, the TLS handshake is watched from the moment urllib3 hands the socket to the
context's `wrap_socket`, and a plain connection is watched as soon as `connect` returns.

Each fetch opens its own connection and closes it: urllib3's pools would keep connections alive, but they read
the response headers inside `urlopen` on a socket the caller cannot reach through their public API, so a
server dripping its headers could not be stopped in time.
"""

from __future__ import annotations

import ssl

from urllib3.connection import HTTPConnection, HTTPSConnection

from . import deadlines
from .addresses import IPAddress


class _WatchedTLSContext(ssl.SSLContext):
    """A client TLS context (the standard library's) that puts each socket under the current fetch's deadline
    before its handshake."""

    def wrap_socket(self, sock, *args, **kwargs):
        deadlines.watch(sock)
        return super().wrap_socket(sock, *args, **kwargs)


_tls_context: list[ssl.SSLContext] = []


def tls_context() -> ssl.SSLContext:
    """This process's client TLS context: urllib3's defaults (TLS 1.2 at least, no compression, no tickets) and
    the system's CA store (SSL_CERT_FILE and SSL_CERT_DIR are honoured when set)."""
    if not _tls_context:
        context = _WatchedTLSContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_TICKET
        context.verify_mode = ssl.CERT_REQUIRED
        context.hostname_checks_common_name = False
        context.check_hostname = False  # urllib3 sets this itself when given assert_hostname, and then matches
        context.load_default_certs()
        _tls_context.append(context)  # two threads building one at once each use their own: harmless
    return _tls_context[0]


def forget_tls_context() -> None:
    """The next connection builds the context anew (after SSL_CERT_FILE changed, in tests)."""
    _tls_context.clear()


def connect(scheme: str, host: str, port: int, ip: IPAddress, *, timeout: float) -> HTTPConnection:
    """A connection to `ip`, already checked, for `host`; connected (TLS included) and under the deadline.

    Raises what urllib3 and ssl raise: urllib3.exceptions.NewConnectionError or ConnectTimeoutError when the
    address does not answer, ssl.SSLError or urllib3's CertificateError (a ValueError) when TLS fails.
    """
    if scheme == "https":
        conn: HTTPConnection = HTTPSConnection(
            str(ip),
            port,
            timeout=timeout,
            server_hostname=host,
            assert_hostname=host,
            ssl_context=tls_context(),
        )
    else:
        conn = HTTPConnection(str(ip), port, timeout=timeout)
    try:
        conn.connect()
        if scheme != "https":
            deadlines.watch(conn.sock)  # a TLS socket was watched before its handshake
    except BaseException:
        conn.close()
        raise
    return conn
