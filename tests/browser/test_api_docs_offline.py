"""Swagger UI and Redoc load nothing from outside servers (issue #14, item 5), in headless Chromium, and work
under the site's Content-Security-Policy, which forbids inline script (issue #22): no violation but Redoc's logo.

Every request the page makes goes through a route that lets 127.0.0.1 / localhost through and aborts
and records anything else (scripts, styles, fonts, images, XHR). The docs must then render from our own
static files alone: Swagger UI lists an operation, Redoc shows an operation's title.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.desk.browser import browser, new_page, shot  # noqa: F401 - fixture
from tests.test_csp import _directives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class OutsideGuard:
    """Aborts and records every request of a browser context to a host other than this machine.

    It also records what the page's own Content-Security-Policy refused to fetch and every uncaught
    script error, so a policy that silently broke the docs would show.
    """

    def __init__(self, context):
        self.outside: list[str] = []
        self.local: list[str] = []
        self.errors: list[str] = []
        self.policy_messages: list[str] = []  # what the console says the policy blocked
        context.route("**/*", self._route)
        context.add_init_script(
            "window.refusedByPolicy = [];"
            "document.addEventListener('securitypolicyviolation', e => window.refusedByPolicy.push(e.blockedURI));"
        )
        context.on("weberror", lambda error: self.errors.append(str(error.error)))
        context.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.policy_messages.append(message.text)

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            self.local.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def _referenced_hosts(page) -> set[str]:
    """Hosts named by the page's links, scripts and images, requested or not (a preconnect is no request)."""
    urls = page.eval_on_selector_all(
        "link[href], script[src], img[src], iframe[src]", "els => els.map(e => e.href || e.src)"
    )
    return {urlsplit(url).hostname for url in urls if urlsplit(url).scheme in ("http", "https")}


def test_the_guard_sees_and_stops_an_outside_request(browser, live_server):  # noqa: F811
    context, page = new_page(browser, live_server.url)
    guard = OutsideGuard(context)
    page.goto("/healthz")
    page.goto("about:blank")  # a page without our Content-Security-Policy, which would stop the fetch itself
    page.set_content('<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">')
    context.close()

    assert guard.outside == ["https://fonts.googleapis.com/css2?family=Roboto"]
    assert guard.local == [live_server.url + "/healthz"]


# Both pages build themselves from the whole schema in the browser: on a busy machine that outlasts
# expect()'s 5 s default. A bound on the wait, not a timing check.
RENDER_WAIT_MS = 60_000


def test_swagger_ui_renders_from_our_own_files(browser, live_server, artifacts_dir):  # noqa: F811
    context, page = new_page(browser, live_server.url)
    guard = OutsideGuard(context)
    response = page.goto("/api/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/claims/").first
    expect(operation).to_be_visible(timeout=RENDER_WAIT_MS)
    expect(page.locator(".opblock-summary-description", has_text="Browse claims").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    hosts = _referenced_hosts(page)
    refused = page.evaluate("window.refusedByPolicy")
    shot(page, artifacts_dir, "api-docs-swagger")
    context.close()

    assert guard.outside == []
    assert guard.errors == [] and refused == [] and guard.policy_messages == []
    # Only our own scripts: parsed, since the header's directives come in no fixed order.
    assert _directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]
    assert hosts <= LOCAL_HOSTS, hosts
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle" in url for url in guard.local)
    assert any(urlsplit(url).path == "/api/schema/" for url in guard.local)


def test_redoc_renders_from_our_own_files(browser, live_server, artifacts_dir):  # noqa: F811
    context, page = new_page(browser, live_server.url)
    guard = OutsideGuard(context)
    response = page.goto("/api/redoc/")
    expect(page.get_by_role("heading", name="Browse claims")).to_be_visible(timeout=RENDER_WAIT_MS)
    expect(page.get_by_role("heading", name="Claims Tracker API")).to_be_visible()
    page.wait_for_load_state("networkidle")
    hosts = _referenced_hosts(page)
    # No stylesheet asks for a web font from anywhere (upstream's template links Google Fonts).
    font_links = page.locator("link[href*='font']").count()
    refused = page.evaluate("window.refusedByPolicy")
    shot(page, artifacts_dir, "api-docs-redoc")
    context.close()

    assert guard.outside == []
    assert guard.errors == []
    # The page's policy stops the one fetch no Redoc option turns off: the Redocly logo in the sidebar.
    assert set(refused) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}, refused
    assert all("cdn.redoc.ly/redoc/logo-mini.svg" in message for message in guard.policy_messages)
    # Only our own scripts: parsed, since the header's directives come in no fixed order.
    assert _directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]
    assert hosts <= LOCAL_HOSTS, hosts
    assert font_links == 0
    assert any("/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone" in url for url in guard.local)
    assert any(urlsplit(url).path == "/api/schema/" for url in guard.local)
