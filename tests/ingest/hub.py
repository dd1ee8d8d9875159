"""A real WebSub hub on 127.0.0.1 (port 0) for tests, doing what the W3C spec asks of one.

It takes subscription requests (a form POST, answered 202), verifies each with the subscriber's callback in a
thread of its own (a GET with hub.mode, hub.topic, hub.challenge, hub.lease_seconds; verified only when the
callback echoes the challenge), and publishes content to verified subscribers, signed with X-Hub-Signature
(sha256 HMAC of the body keyed by the subscriber's hub.secret).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode


@dataclass
class Subscription:
    callback: str
    topic: str
    secret: str
    lease_seconds: str
    verified: bool = False
    answer: str = ""  # what the callback answered to the challenge


class Hub:
    def __init__(self, *, lease_seconds: int = 3600) -> None:
        self.requests: list[dict[str, str]] = []
        self.subscriptions: list[Subscription] = []
        self.lease_seconds = lease_seconds
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                with hub.lock:
                    hub.requests.append(form)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if form.get("hub.mode") == "subscribe":
                    sub = Subscription(form["hub.callback"], form["hub.topic"], form.get("hub.secret", ""), "")
                    threading.Thread(target=hub.verify, args=(sub,), daemon=True).start()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hub"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def verify(self, sub: Subscription, *, topic: str | None = None) -> Subscription:
        """The hub's verification of intent (§5.3), as a new attempt; `topic` lets a test send a wrong one."""
        sub = replace(sub, verified=False, answer="")
        challenge = secrets.token_urlsafe(16)
        query = {
            "hub.mode": "subscribe",
            "hub.topic": topic or sub.topic,
            "hub.challenge": challenge,
            "hub.lease_seconds": str(self.lease_seconds),
        }
        sep = "&" if "?" in sub.callback else "?"
        try:
            with urllib.request.urlopen(sub.callback + sep + urlencode(query), timeout=20) as response:
                sub.answer = response.read().decode()
                sub.verified = response.status == 200 and sub.answer == challenge
        except urllib.error.HTTPError as exc:
            sub.answer = f"HTTP {exc.code}"
        with self.lock:
            self.subscriptions.append(sub)
        return sub

    def verified(self) -> list[Subscription]:
        with self.lock:
            return [s for s in self.subscriptions if s.verified]

    def publish(self, topic: str, body: bytes, *, content_type: str = "application/rss+xml", secret: str | None = None):
        """Push `body` to each verified subscriber of `topic`; `secret` overrides the signing key (a forgery)."""
        statuses = []
        for sub in self.verified():
            if sub.topic != topic:
                continue
            key = (sub.secret if secret is None else secret).encode()
            signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
            headers = {"Content-Type": content_type, "X-Hub-Signature": signature}
            request = urllib.request.Request(sub.callback, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        return statuses

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
