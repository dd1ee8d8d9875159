"""An archived page opens inert in Chromium (issue #20): every outside request is blocked and counted (none is
made), and no script runs (a script that ran would call back to 127.0.0.1, which the guard records)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from claims_tracker.archive import services
from claims_tracker.ingest.fetching import safe_fetch
from tests.browser.test_api_docs_offline import OutsideGuard
from tests.desk.browser import browser, new_page, shot  # noqa: F401 - fixture
from tests.factories import UserFactory
from tests.ingest.server import LocalServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hostile_page(beacon: str) -> str:
    """A page that pulls scripts, styles, fonts, images and frames from outside, and calls `beacon` if it runs."""
    return f"""<!doctype html><html><head><title>Soledar</title>
<script src="https://tracker.example/t.js"></script>
<script>fetch("{beacon}/inline"); document.title = "script ran";</script>
<link rel="stylesheet" href="https://cdn.example/site.css"><link rel="preload" href="https://cdn.example/f.woff2">
<style>@import url("https://cdn.example/more.css"); body {{ background: url(https://img.example/bg.png) }}
@font-face {{ font-family: x; src: url(https://fonts.example/x.woff2) }}</style>
</head><body onload="fetch('{beacon}/onload')">
<h1>Russian forces control Soledar</h1>
<img src="https://img.example/photo.jpg" srcset="https://img.example/2x.jpg 2x" alt="photo">
<img src="/missing.png" onerror="fetch('{beacon}/onerror')">
<video poster="https://img.example/poster.jpg" src="https://media.example/v.mp4"></video>
<iframe src="https://frame.example/embed"></iframe><object data="https://obj.example/x.swf"></object>
<svg><image href="https://img.example/svg.png"/></svg>
<a href="https://source.example/post">source</a>
</body></html>"""


@pytest.fixture
def site():
    srv = LocalServer()
    yield srv
    srv.close()


def _signed_in(context, live_server) -> None:
    client = Client()
    client.force_login(UserFactory(username="archivist", groups=["editor"]))
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_the_hostile_page_itself_does_make_outside_requests_and_run_scripts(browser, site):  # noqa: F811
    """The control: opened directly, the same page reaches outside and its scripts run, so the guard would see it."""
    site.route("/page", hostile_page(site.url("/ran")))
    context, page = new_page(browser, site.url("/"))
    guard = OutsideGuard(context)
    page.goto("/page")
    page.wait_for_load_state("networkidle")
    context.close()
    assert len(guard.outside) >= 3
    assert any(url.endswith("/ran/inline") for url in guard.local)


def test_the_archived_copy_makes_no_outside_request_and_runs_nothing(
    browser,  # noqa: F811
    live_server,
    site,
    settings,
    artifacts_dir,  # noqa: F811
):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
    record = services.record_store(result=safe_fetch(site.route("/page", hostile_page(site.url("/ran")))))
    context, page = new_page(browser, live_server.url)
    _signed_in(context, live_server)
    guard = OutsideGuard(context)
    page.goto(reverse("archive-record", args=[record.pk]))
    page.wait_for_load_state("networkidle")
    heading = page.get_by_role("heading", name="Russian forces control Soledar").is_visible()
    banner = page.get_by_role("note").inner_text()
    title = page.title()
    shot(page, artifacts_dir, "archive-inert")
    context.close()

    assert heading and "Archived copy" in banner and record.sha256 in banner
    assert guard.outside == [], guard.outside  # counted: every request off 127.0.0.1 is recorded and blocked
    assert guard.local == [live_server.url + reverse("archive-record", args=[record.pk])], guard.local
    assert not any("/ran/" in url for url in guard.local) and title != "script ran"
