"""A real HTTP server on 127.0.0.1 (port 0) for ingestion tests: routes, conditional GET, request log.

Tests talk to it through the real safe HTTP client, never through a patched fetcher.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False  # answer If-None-Match with 304 when it matches the body's hash
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float
    peer: tuple = ()  # the client's address and port: one per connection
    method: str = "GET"


def busy_at_first(body: bytes | str, *, times: int = 1, content_type: str = "text/html; charset=utf-8"):
    """A route handler that answers 503 to its first `times` requests, then the page: a transient error."""
    page = body.encode("utf-8") if isinstance(body, str) else body
    calls = {"n": 0}

    def handler(request) -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            request._send(503, b"busy", {"Content-Type": "text/plain"})
        else:
            request._send(200, page, {"Content-Type": content_type})

    return handler


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.hits.append(Hit(self.path, headers, time.time(), self.client_address, self.command))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                headers = dict(route.headers)
                if route.etag:
                    tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        self._send(304, b"", {"ETag": tag})
                        return
                self._send(route.status, route.body, headers)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.do_GET()

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_port
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: bytes | str = b"", **kwargs) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        kwargs.setdefault("headers", {"Content-Type": "text/html; charset=utf-8"})
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
