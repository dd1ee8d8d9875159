"""The safe HTTP client against a real server on 127.0.0.1: SSRF refusals and hostile responses."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc

import pytest

from claims_tracker.ingest import fetching
from claims_tracker.ingest.fetching import (
    BadContentType,
    BadStatus,
    BlockedAddress,
    ConnectionFailed,
    FetchError,
    InvalidURL,
    Timeout,
    TooLarge,
    TooManyRedirects,
    client,
    safe_fetch,
)
from tests.ingest.server import LocalServer

HTML = ("text/html",)


def _drip_a_byte_a_second(handler, length: int | None = None) -> None:
    """A 200 HTML page whose body comes one byte a second for a minute (with a Content-Length when given)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    if length is not None:
        handler.send_header("Content-Length", str(length))
    handler.end_headers()
    for _ in range(60):
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(1)


class TestAddressCheck:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.251",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
        ],
    )
    def test_it_blocks_every_internal_range(self, settings, address):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        assert fetching.address_problem(ipaddress.ip_address(address)) is not None

    @pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
    def test_it_allows_public_addresses(self, settings, address):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        assert fetching.address_problem(ipaddress.ip_address(address)) is None

    @pytest.mark.parametrize("address", ["169.254.169.254", "0.0.0.0", "224.0.0.1", "fe80::1", "::ffff:0.0.0.0"])
    def test_it_keeps_metadata_and_unspecified_blocked_even_when_private_networks_are_allowed(self, settings, address):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
        assert fetching.address_problem(ipaddress.ip_address(address)) is not None

    def test_it_allows_loopback_only_with_the_setting(self, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
        assert fetching.address_problem(ipaddress.ip_address("127.0.0.1")) is None


class TestSsrf:
    """Every refusal happens before a connection: the server sees no request."""

    @pytest.fixture(autouse=True)
    def _deny(self, settings):
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False

    def test_it_refuses_loopback_and_fetches_nothing(self, server: LocalServer):
        url = server.route("/page", "<p>secret</p>")
        with pytest.raises(BlockedAddress, match="loopback"):
            safe_fetch(url)
        assert server.hits == []

    @pytest.mark.parametrize(
        "host",
        ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "017700000001", "[::ffff:127.0.0.1]"],
    )
    def test_it_refuses_numeric_forms_of_loopback(self, server: LocalServer, host):
        server.route("/page", "<p>secret</p>")
        with pytest.raises(BlockedAddress, match="loopback"):
            safe_fetch(f"http://{host}:{server.port}/page")
        assert server.hits == []

    def test_it_refuses_a_hostname_that_resolves_to_a_blocked_address(self, server: LocalServer):
        server.route("/page", "<p>secret</p>")
        with pytest.raises(BlockedAddress, match=r"localhost resolves to (127\.0\.0\.1|::1)"):
            safe_fetch(f"http://localhost:{server.port}/page")
        assert server.hits == []

    @pytest.mark.parametrize(
        "url",
        [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://100.64.0.1/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
            "http://224.0.0.1/",
        ],
    )
    def test_it_refuses_each_blocked_range_with_a_clear_error(self, url):
        with pytest.raises(BlockedAddress) as info:
            safe_fetch(url)
        assert "Refused" in info.value.message
        assert info.value.transient is False

    @pytest.mark.parametrize(
        "url",
        ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.org/x", "dict://x", "javascript:1"],
    )
    def test_it_refuses_non_http_schemes(self, url):
        with pytest.raises(InvalidURL, match="Only http and https"):
            safe_fetch(url)

    @pytest.mark.parametrize("url", ["", "http://", "http://user:pw@example.org/", "http://exa mple.org/"])
    def test_it_refuses_malformed_urls(self, url):
        with pytest.raises(InvalidURL):
            safe_fetch(url)


class TestRedirect:
    @pytest.fixture(autouse=True)
    def _allow(self, allow_private):
        pass

    def _redirect(self, server: LocalServer, path: str, target: str) -> str:
        return server.route(path, b"", status=302, headers={"Location": target})

    @pytest.mark.parametrize(
        "target", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "file:///etc/passwd"]
    )
    def test_it_refuses_a_redirect_to_a_blocked_address(self, server: LocalServer, target):
        url = self._redirect(server, "/go", target)
        with pytest.raises(FetchError, match="Redirect from .*/go refused"):
            safe_fetch(url)

    def test_it_does_not_follow_a_redirect_to_the_unspecified_address(self, server: LocalServer):
        # 0.0.0.0 reaches this machine's own services on Linux: the second server must see nothing.
        inner = LocalServer()
        try:
            inner.route("/admin", "<p>internal</p>")
            url = self._redirect(server, "/go", f"http://0.0.0.0:{inner.port}/admin")
            with pytest.raises(BlockedAddress, match="unspecified"):
                safe_fetch(url)
            assert inner.hits == []
        finally:
            inner.close()

    def test_it_follows_allowed_redirects_and_reports_the_final_url(self, server: LocalServer):
        final = server.route("/final", "<p>here</p>")
        self._redirect(server, "/b", "/final")
        url = self._redirect(server, "/a", server.url("/b"))
        result = safe_fetch(url, allowed_content_types=HTML)
        assert result.url == final
        assert result.body == b"<p>here</p>"
        assert len(result.redirects) == 2

    def test_it_stops_after_five_redirects(self, server: LocalServer):
        for i in range(7):
            self._redirect(server, f"/r{i}", f"/r{i + 1}")
        server.route("/r7", "<p>end</p>")
        with pytest.raises(TooManyRedirects):
            safe_fetch(server.url("/r0"))
        assert len(server.hits) == 6


class TestHostileResponse:
    @pytest.fixture(autouse=True)
    def _allow(self, allow_private):
        pass

    def test_it_gives_up_on_a_server_dripping_one_byte_a_second(self, server: LocalServer):
        server.route("/drip", handler=_drip_a_byte_a_second)
        # Every byte comes within any read timeout; only the whole-fetch deadline ends it (else the page would
        # arrive whole after 60 s): the error names that deadline.
        with pytest.raises(Timeout, match=r"within 2 s\.$") as info:
            safe_fetch(server.url("/drip"), deadline=2)
        assert info.value.transient is True

    def test_it_gives_up_on_headers_dripping_one_byte_a_second(self, server: LocalServer):
        def drip_headers(handler):
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 60:
                try:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                except OSError:
                    return
                time.sleep(1 if byte == ord("a") else 0)

        server.route("/slow-headers", handler=drip_headers)
        with pytest.raises(Timeout, match=r"within 2 s\.$"):
            safe_fetch(server.url("/slow-headers"), deadline=2)
        # Issue #22: cut off before its Content-Type, the answer was read as a page of the wrong type, a
        # permanent failure. It is a timeout (transient), whatever the headers received so far say.
        for allowed in (HTML, ("application/rss+xml",)):
            with pytest.raises(Timeout) as info:
                safe_fetch(server.url("/slow-headers"), deadline=1, allowed_content_types=allowed)
            assert info.value.transient is True

    def test_it_stops_a_gzip_bomb_at_the_cap(self, server: LocalServer):
        bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
        assert len(bomb) < 1024 * 1024
        server.route("/bomb", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge, match="after decompression"):
                safe_fetch(server.url("/bomb"), max_bytes=5 * 1024 * 1024)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 50 * 1024 * 1024

    def test_it_refuses_a_50_mb_page(self, server: LocalServer):
        server.route("/big", b"<p>" + b"a" * (50 * 1024 * 1024))
        with pytest.raises(TooLarge):
            safe_fetch(server.url("/big"), max_bytes=10 * 1024 * 1024)

    def test_it_refuses_a_large_page_without_a_content_length(self, server: LocalServer):
        def chunks(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Connection", "close")
            handler.end_headers()
            try:
                for _ in range(30):
                    handler.wfile.write(b"a" * 1024 * 1024)
            except OSError:
                return

        server.route("/stream", handler=chunks)
        with pytest.raises(TooLarge):
            safe_fetch(server.url("/stream"), max_bytes=5 * 1024 * 1024)

    def test_it_refuses_a_page_that_is_not_html(self, server: LocalServer):
        server.route("/image", b"\x89PNG\r\n", headers={"Content-Type": "image/png"})
        with pytest.raises(BadContentType, match="image/png"):
            safe_fetch(server.url("/image"), allowed_content_types=HTML)

    def test_it_marks_5xx_transient_and_4xx_permanent(self, server: LocalServer):
        server.route("/busy", "busy", status=503)
        server.route("/gone", "gone", status=404)
        with pytest.raises(BadStatus) as busy:
            safe_fetch(server.url("/busy"))
        with pytest.raises(BadStatus) as gone:
            safe_fetch(server.url("/gone"))
        assert busy.value.transient is True and busy.value.status == 503
        assert gone.value.transient is False and gone.value.status == 404

    def test_it_sends_a_descriptive_user_agent(self, server: LocalServer, settings):
        server.route("/ua", "<p>ok</p>")
        safe_fetch(server.url("/ua"))
        assert server.hits[0].headers["user-agent"] == settings.INGEST_USER_AGENT
        assert "ClaimsTracker" in settings.INGEST_USER_AGENT

    def test_it_reports_a_refused_connection_as_transient(self, server: LocalServer):
        port = server.port
        server.close()
        with pytest.raises(FetchError) as info:
            safe_fetch(f"http://127.0.0.1:{port}/", deadline=3)
        assert info.value.transient is True


class TestConnections:
    """Each fetch connects to the address it checked, sends the site's name, and leaves no connection open."""

    @pytest.fixture(autouse=True)
    def _allow(self, allow_private):
        pass

    def test_each_fetch_opens_its_own_connection(self, server: LocalServer):
        for path in ("/a", "/b", "/c"):
            server.route(path, "<p>page</p>")
            assert safe_fetch(server.url(path), allowed_content_types=HTML).body == b"<p>page</p>"
        assert len({hit.peer for hit in server.hits}) == 3
        assert {hit.headers["connection"] for hit in server.hits} == {"close"}

    def test_a_fetch_closes_its_connection_even_when_the_server_would_keep_it(self):
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(10)
        seen: list[bytes] = []

        def keep_alive_server():
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(10)
                seen.append(conn.recv(65536))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\n<p/>")
                seen.append(conn.recv(1))  # b"" once the client has closed; a timeout if it kept the connection

        thread = threading.Thread(target=keep_alive_server, daemon=True)
        thread.start()
        try:
            assert safe_fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/").body == b"<p/>"
            thread.join(timeout=15)
            assert seen[1:] == [b""]
        finally:
            listener.close()

    def test_it_sends_the_site_name_as_host_not_the_address_it_connected_to(self, server: LocalServer):
        server.route("/page", "<p>page</p>")
        safe_fetch(f"http://localhost:{server.port}/page")
        assert server.hits[0].headers["host"] == f"localhost:{server.port}"
        assert server.hits[0].peer[0] == "127.0.0.1"

    @pytest.mark.parametrize(
        "name, wire",
        [("news.example.", "news.example"), ("bücher.example", "xn--bcher-kva.example"), ("localhost", "localhost")],
    )
    def test_the_name_on_the_wire_is_ascii_without_a_final_dot(self, name, wire):
        assert client._wire_name(name, f"http://{name}/") == wire

    @pytest.mark.parametrize(
        "label, message",
        [
            ("ü" * 64, "at most 63 are allowed between dots"),  # a label past 63 characters (lib.urls.host_problem)
            (("üöäéèêëïîôûçñåøæœ" * 3)[:50], "not a valid host name"),  # 50 characters; 66 as ASCII (xn--…)
        ],
    )
    def test_it_refuses_a_name_that_has_no_ascii_form_before_connecting(self, server: LocalServer, label, message):
        with pytest.raises(InvalidURL, match=message):
            safe_fetch(f"http://{label}.example:{server.port}/page")
        assert server.hits == []

    def test_the_address_is_checked_on_every_fetch(self, server: LocalServer, settings):
        server.route("/page", "<p>page</p>")
        safe_fetch(server.url("/page"))
        settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(BlockedAddress):
            safe_fetch(server.url("/page"))
        assert len(server.hits) == 1  # refused before anything was sent

    def test_a_post_sends_its_body_once(self, server: LocalServer):
        server.route("/hook", "ok", headers={"Content-Type": "text/plain"})
        json = {"Content-Type": "application/json"}
        result = safe_fetch(server.url("/hook"), method="POST", body=b"{}", headers=json)
        assert result.body == b"ok"
        assert [(hit.method, hit.headers["content-length"]) for hit in server.hits] == [("POST", "2")]

    def test_a_server_hanging_up_without_an_answer_is_a_transient_failure(self, server: LocalServer):
        def hang_up(handler):
            handler.close_connection = True

        server.route("/gone", handler=hang_up)
        with pytest.raises(ConnectionFailed) as info:
            safe_fetch(server.url("/gone"))
        assert info.value.transient is True
        assert "/gone" in info.value.message
