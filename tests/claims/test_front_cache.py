"""The front cache (claims/front_cache.py): Django's real WSGI application behind it, called with
WSGI environs (wsgiref's testing defaults) in the test's transaction, its clock one the test
advances; and once through gunicorn, as deployed (claims_tracker.wsgi)."""

from __future__ import annotations

import http.client
import io
import os
import re
import subprocess
import sys
import threading
import time
import uuid
import wsgiref.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signals
from django.core.servers.basehttp import get_internal_wsgi_application
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from claims_tracker.claims.demo import load_demo
from claims_tracker.claims.front_cache import FrontCache
from claims_tracker.claims.models import Claim
from tests.claims.views.conftest import set_status
from tests.factories import ClaimFactory
from tests.ingest.conftest import _database_url
from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent.parent


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = int(status.split()[0]), headers, body
        self.text = body.decode(errors="replace")

    def __getitem__(self, name: str) -> str:
        return next(v for k, v in self.headers if k.lower() == name.lower())

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def front(self) -> bool:
        return self.get("X-Reader-Cache") == "front"


def call(app, url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b"") -> Answer:
    """One request through the WSGI callable, as a server makes it (the body read, then closed)."""
    path, _, query = url.partition("?")
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO(body)}
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    wsgiref.util.setup_testing_defaults(environ)  # Host 127.0.0.1, http
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=list(response_headers))

    result = app(environ, start_response)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(started["status"], started["headers"], data)


@pytest.fixture
def wsgi_requests():
    """Requests in the test's transaction and connection: Django closes old connections around a
    request, which would end the test's transaction (its test client disconnects them too)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def mod_claim(db) -> Claim:
    """A claim of the demo (Soledar, the Russian Ministry of Defence), with the demo around it."""
    load_demo()
    return Claim.objects.get(claimant__slug="russian-ministry-of-defence")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def front(wsgi_requests, clock, settings):
    settings.READER_FRONT_CACHE_SECONDS = 1
    return FrontCache(get_wsgi_application(), clock=clock)


def session_cookie(client, user, settings) -> str:
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def without(headers, *names):
    drop = {n.lower() for n in names}
    return sorted((k.lower(), v) for k, v in headers if k.lower() not in drop)


@pytest.mark.django_db
class TestFrontCache:
    def test_the_second_anonymous_get_is_served_in_front_of_django(self, front, mod_claim, django_assert_num_queries):
        url = mod_claim.get_absolute_url()
        first = call(front, url)
        assert first.status == 200 and not first.front
        with django_assert_num_queries(0):
            second = call(front, url)
        assert second.front
        assert second.body == first.body
        assert second.status == 200
        assert second["Age"] == "0"
        # Django's headers exactly, with the mark and the age.
        assert without(second.headers, "X-Reader-Cache", "Age") == without(first.headers)
        assert mod_claim.text in second.text

    def test_the_list_and_its_queries_are_kept_apart(self, front, mod_claim):
        for url in ("/", "/?q=Soledar", "/?q=soledar"):
            first = call(front, url)
            assert not first.front, url
            again = call(front, url)
            assert again.front and again.body == first.body, url
        assert len(front) == 3
        assert call(front, "/?q=Soledar").body != call(front, "/?q=Bakhmut").body

    def test_a_matching_if_none_match_is_answered_304_in_front(self, front, mod_claim, django_assert_num_queries):
        url = mod_claim.get_absolute_url()
        page = call(front, url)
        etag = page["ETag"]
        with django_assert_num_queries(0):
            answers = [call(front, url, headers={"If-None-Match": value}) for value in (etag, f"W/{etag}", "*")]
            answers.append(call(front, url, headers={"If-None-Match": f'"other", {etag}'}))
        for answer in answers:
            assert answer.status == 304 and answer.front and answer.body == b""
            assert answer["ETag"] == etag
            assert answer["Cache-Control"] == page["Cache-Control"]
            for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
                assert answer[name] == page[name], name
            assert answer.get("Content-Type") is None
        other = call(front, url, headers={"If-None-Match": '"something-else"'})
        assert other.status == 200 and other.front and other.body == page.body

    def test_its_304_carries_what_djangos_own_304_carries(self, front, mod_claim, settings):
        url = mod_claim.get_absolute_url()
        etag = call(front, url)["ETag"]
        ours = call(front, url, headers={"If-None-Match": etag})
        settings.READER_FRONT_CACHE_SECONDS = 0
        djangos = call(front, url, headers={"If-None-Match": etag})
        assert djangos.status == 304 and not djangos.front
        assert without(ours.headers, "X-Reader-Cache", "Age") == without(djangos.headers)

    def test_if_modified_since_is_answered_from_last_modified(self, front, mod_claim, settings):
        settings.API_SYNC_SETTLE_SECONDS = -3600  # as if every write were long settled: Last-Modified is sent
        url = reverse("claims-list")
        last_modified = call(front, url)["Last-Modified"]
        same = call(front, url, headers={"If-Modified-Since": last_modified})
        assert same.status == 304 and same.front and same["Last-Modified"] == last_modified
        older = http_date((timezone.now() - timedelta(days=1)).timestamp())
        assert call(front, url, headers={"If-Modified-Since": older}).status == 200
        future = http_date((timezone.now() + timedelta(days=365)).timestamp())
        assert call(front, url, headers={"If-Modified-Since": future}).status == 200  # not trusted
        # If-None-Match decides when present, as Django has it.
        mismatch = call(front, url, headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified})
        assert mismatch.status == 200

    @pytest.mark.parametrize("header", ["garbage", "W/", '"' * 500, "Mon, 99 Foo 2023 00:00:00 GMT"])
    def test_hostile_validators_get_the_page(self, front, mod_claim, header):
        url = mod_claim.get_absolute_url()
        page = call(front, url)
        for name in ("If-None-Match", "If-Modified-Since"):
            answer = call(front, url, headers={name: header})
            assert answer.status == 200 and answer.front and answer.body == page.body

    def test_preconditions_it_does_not_decide_go_to_django(self, front, mod_claim):
        url = mod_claim.get_absolute_url()
        call(front, url)
        answer = call(front, url, headers={"If-Match": '"not-this-one"'})
        assert not answer.front and answer.status == 412

    def test_head_is_answered_from_a_gets_copy_without_the_body(self, front, mod_claim):
        url = mod_claim.get_absolute_url()
        page = call(front, url)
        head = call(front, url, method="HEAD")
        assert head.status == 200 and head.front and head.body == b""
        assert head["Content-Length"] == str(len(page.body)) == page["Content-Length"]
        assert head["ETag"] == page["ETag"]
        assert call(front, url, method="HEAD", headers={"If-None-Match": page["ETag"]}).status == 304

    def test_a_head_without_a_copy_is_rendered_as_a_get_and_fills_it(self, front, mod_claim, editor, client,
                                                                       settings):  # fmt: skip
        url = mod_claim.get_absolute_url()
        head = call(front, url, method="HEAD")
        assert head.status == 200 and not head.front and head.body == b""
        assert len(front) == 1
        page = call(front, url)
        assert page.front and mod_claim.text in page.text
        assert head["Content-Length"] == page["Content-Length"] and head["ETag"] == page["ETag"]
        # An editor's HEAD is Django's own answer (the reader views take GET only).
        mine = call(front, url, method="HEAD", headers={"Cookie": session_cookie(client, editor, settings)})
        assert mine.status == 405 and not mine.front

    def test_a_signed_in_editor_is_never_served_from_it_and_never_fills_it(self, front, mod_claim, editor, client,
                                                                           settings):  # fmt: skip
        url = mod_claim.get_absolute_url()
        cookie = session_cookie(client, editor, settings)
        for _ in range(2):
            mine = call(front, url, headers={"Cookie": cookie})
            assert mine.status == 200 and not mine.front
            assert "Log out" in mine.text and "private" in mine["Cache-Control"]
        assert len(front) == 0
        reader = call(front, url)
        assert not reader.front and "Log out" not in reader.text
        assert call(front, url).front  # a reader's copy now exists ...
        again = call(front, url, headers={"Cookie": f"other=1; {cookie}", "If-None-Match": reader["ETag"]})
        assert again.status == 200 and not again.front and "Log out" in again.text  # ... and the editor never gets it

    def test_a_flash_message_cookie_bypasses_it(self, front, mod_claim):
        url = reverse("claims-list")
        call(front, url)
        answer = call(front, url, headers={"Cookie": "messages=anything"})
        assert not answer.front and "private" in answer["Cache-Control"]
        assert call(front, url).front

    def test_other_cookies_neither_read_nor_fill_a_page_that_varies_on_cookie(self, front, mod_claim):
        url = mod_claim.get_absolute_url()
        with_cookie = call(front, url, headers={"Cookie": "theme=dark"})
        assert "Cookie" in with_cookie["Vary"] and not with_cookie.front
        assert len(front) == 0
        call(front, url)
        assert not call(front, url, headers={"Cookie": "theme=dark"}).front
        assert call(front, url).front

    def test_an_authorization_header_bypasses_it(self, front, mod_claim):
        url = reverse("claims-list")
        call(front, url)
        assert not call(front, url, headers={"Authorization": "Token nothing"}).front

    def test_the_host_and_the_scheme_are_part_of_the_key(self, front, mod_claim, settings):
        settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
        url = reverse("claims-list")
        call(front, url)
        assert call(front, url).front
        assert not call(front, url, headers={"Host": "localhost"}).front
        assert call(front, url, headers={"Host": "localhost"}).front
        proxied = call(front, url, headers={"X-Forwarded-Proto": "https"})
        assert not proxied.front
        assert len(front) == 3
        # A host the site does not answer to gets Django's 400, never a kept page.
        assert call(front, url, headers={"Host": "evil.example"}).status == 400

    def test_it_never_keeps_what_is_not_a_public_reader_page(self, front, mod_claim, editor):
        token_free_post = call(front, "/api/v1/claims/", method="POST", body=b"{}",
                               headers={"Content-Type": "application/json"})  # fmt: skip
        assert token_free_post.status in (401, 403)
        pages = {
            "/desk/": 302,  # the desk: to the login page
            "/accounts/login/": 200,  # private, no-store, and it sets the CSRF cookie
            "/api/v1/claims/": 200,  # an ETag, but no-cache
            "/claims/999999999/": 404,
            "/no-such-page/": 404,
        }
        for url, status in pages.items():
            for _ in range(2):
                answer = call(front, url)
                assert answer.status == status and not answer.front, url
        assert len(front) == 0

    def test_a_streamed_body_is_not_kept(self, wsgi_requests, clock):
        """A StreamingHttpResponse marked public, with an ETag and its length: handed on, not kept."""
        calls = []

        def streaming_app(environ, start_response):  # as Django's handler hands a response to the server
            calls.append(1)
            response = StreamingHttpResponse(iter([b"abc", b"def"]))
            response["ETag"], response["Content-Length"] = '"s"', "6"
            patch_cache_control(response, public=True, max_age=60)
            start_response("200 OK", list(response.items()))
            return response

        app = FrontCache(streaming_app, clock=clock)
        assert call(app, "/streamed/").body == b"abcdef"
        assert call(app, "/streamed/").body == b"abcdef"
        assert len(calls) == 2 and len(app) == 0

    def test_a_response_setting_a_cookie_is_not_kept(self, wsgi_requests, clock):
        """A public page with an ETag that sets a cookie: that cookie is one reader's."""

        def app_setting_a_cookie(environ, start_response):
            response = HttpResponse(b"page")
            response["ETag"] = '"p"'
            patch_cache_control(response, public=True, max_age=60)
            response.set_cookie("reader", uuid.uuid4().hex)
            headers = [*response.items(), ("Set-Cookie", response.cookies["reader"].output(header=""))]
            start_response("200 OK", [*headers, ("Content-Length", "4")])
            return response

        app = FrontCache(app_setting_a_cookie, clock=clock)
        first, second = call(app, "/cookie/"), call(app, "/cookie/")
        assert not second.front and first["Set-Cookie"] != second["Set-Cookie"]
        assert len(app) == 0

    def test_a_copy_expires_after_the_window(self, front, mod_claim, clock, settings):
        settings.READER_FRONT_CACHE_SECONDS = 2
        url = mod_claim.get_absolute_url()
        call(front, url)
        clock.advance(1.5)
        late = call(front, url)
        assert late.front and late["Age"] == "1"
        clock.advance(0.5)
        expired = call(front, url)
        assert not expired.front
        assert call(front, url).front  # kept afresh

    def test_s_maxage_shortens_the_window(self, front, mod_claim, clock, settings):
        settings.READER_FRONT_CACHE_SECONDS, settings.READER_CACHE_S_MAXAGE = 30, 5
        url = mod_claim.get_absolute_url()
        call(front, url)
        clock.advance(4.5)
        assert call(front, url).front
        clock.advance(0.5)
        assert not call(front, url).front
        settings.READER_CACHE_S_MAXAGE = 0  # a shared cache may not keep it at all
        clock.advance(10)
        call(front, url)
        assert len(front) == 0
        assert not call(front, url).front

    def test_a_state_change_shows_once_the_window_has_passed(self, front, mod_claim, clock, editor):
        url = mod_claim.get_absolute_url()
        before = call(front, url)
        assert "Refuted" not in before.text
        set_status(mod_claim, "refuted", user=editor)
        # The deliberate trade: within the window the kept copy is still served ...
        within = call(front, url)
        assert within.front and within.body == before.body
        # ... and once it has passed, the change shows, with its new ETag.
        clock.advance(1)
        after = call(front, url)
        assert not after.front and "Refuted" in after.text
        assert after["ETag"] != before["ETag"]
        assert call(front, url, headers={"If-None-Match": before["ETag"]}).status == 200

    def test_the_least_recently_used_url_goes_first(self, front, mod_claim, settings):
        settings.READER_FRONT_CACHE_ENTRIES = 2
        claim_url, list_url, q_url = mod_claim.get_absolute_url(), "/", "/?q=Soledar"
        call(front, claim_url)
        call(front, list_url)
        assert call(front, claim_url).front  # the claim page is now the more recent
        call(front, q_url)  # a third: the list goes
        assert len(front) == 2
        assert front.size_in_bytes == len(call(front, claim_url).body) + len(call(front, q_url).body)
        assert call(front, claim_url).front
        assert call(front, q_url).front
        assert not call(front, list_url).front

    def test_the_bodies_kept_are_bounded_in_bytes(self, wsgi_requests, clock, mod_claim):
        pages = ["/", "/?q=Soledar", mod_claim.get_absolute_url()]
        sizes = {url: len(call(FrontCache(get_wsgi_application(), clock=clock), url).body) for url in pages}
        a, b, c = (sizes[url] for url in pages)
        front = FrontCache(get_wsgi_application(), clock=clock, max_bytes=max(a + b, b + c))  # two fit, not three
        for url in pages:
            call(front, url)
        assert len(front) == 2 and front.size_in_bytes == b + c
        assert not call(front, pages[0]).front  # the least recently used went
        assert front.size_in_bytes <= front.max_bytes
        front.clear()
        assert (len(front), front.size_in_bytes) == (0, 0)

    def test_setting_0_turns_it_off(self, front, mod_claim, settings):
        settings.READER_FRONT_CACHE_SECONDS = 0
        url = mod_claim.get_absolute_url()
        for _ in range(3):
            answer = call(front, url)
            assert answer.status == 200 and not answer.front
        assert len(front) == 0

    def test_threads_share_it_safely(self, front, mod_claim, settings):
        settings.READER_FRONT_CACHE_ENTRIES = 3
        urls = ["/", "/?q=Soledar", "/?q=Bakhmut", "/?q=Wagner", mod_claim.get_absolute_url()]
        pages = {url: call(front, url).body for url in urls}  # Django in this thread (the test's transaction)
        fronted = {url: call(front, url) for url in urls[-3:]}
        assert all(answer.front for answer in fronted.values())
        results, errors = [], []

        def read():
            try:
                for i in range(200):
                    url = urls[-3:][i % 3]
                    results.append((url, call(front, url)))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=read) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors and len(results) == 1200
        assert all(answer.front and answer.body == pages[url] for url, answer in results)


def test_the_wsgi_application_runserver_and_gunicorn_serve_is_behind_it():
    from claims_tracker import wsgi

    assert isinstance(wsgi.application, FrontCache)
    assert get_internal_wsgi_application() is wsgi.application  # what runserver serves (WSGI_APPLICATION)


GUNICORN = Path(sys.executable).parent / "gunicorn"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_reader_pages_from_it(tmp_path):
    claim = ClaimFactory(text="A claim read through gunicorn")
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "READER_CACHE_VERSION": str(uuid.uuid4()),
        # Long enough that a slow machine cannot outlast it between two requests (no timing in this test).
        "READER_FRONT_CACHE_SECONDS": "50",
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "claims_tracker.wsgi:application", "--config", "gunicorn.conf.py", "--log-level", "info"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        port = None
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
            time.sleep(0.2)
        if port is None:
            pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", int(port.group(1)), timeout=30)

        def fetch(method: str, headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
            conn.request(method, claim.get_absolute_url(), headers=headers or {})
            response = conn.getresponse()
            return response, response.read()

        first, page = fetch("GET")
        assert first.status == 200 and first.getheader("X-Reader-Cache") != "front"
        assert b"A claim read through gunicorn" in page
        second, again = fetch("GET")
        assert second.getheader("X-Reader-Cache") == "front" and again == page
        head, nothing = fetch("HEAD")
        assert head.getheader("X-Reader-Cache") == "front" and nothing == b""
        assert head.getheader("Content-Length") == str(len(page))
        not_modified, empty = fetch("GET", {"If-None-Match": first.getheader("ETag")})
        assert (not_modified.status, not_modified.getheader("X-Reader-Cache"), empty) == (304, "front", b"")
        cookied, _ = fetch("GET", {"Cookie": "messages=x"})
        assert cookied.status == 200 and cookied.getheader("X-Reader-Cache") != "front"
        conn.close()
    finally:
        stop(proc)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]
