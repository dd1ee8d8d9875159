"""Issue #19's reader walk in headless Chromium: from a shared link (its share tags) to the
claimant index and back; and the list on a phone, light and dark, against a desktop."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims_tracker.claims.models import Claim

from .test_reader_flow import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MOD_CLAIM = "Russian forces have taken control of the town of Soledar."


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int, height: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def meta(page, key: str) -> str:
    return page.locator(f'meta[property="{key}"], meta[name="{key}"]').get_attribute("content")


def test_a_reader_follows_a_shared_link_to_the_claimant_index_and_back(live_server, browser, artifacts_dir, settings):
    settings.SITE_URL = live_server.url  # the absolute links a share carries point at this server
    call_command("load_demo", verbosity=0)
    claim = Claim.objects.get(text=MOD_CLAIM)
    page = new_page(browser, 1280, 900)

    # The link as shared: what a chat app's preview reads is in the page's head.
    page.goto(f"{live_server.url}{claim.get_absolute_url()}?utm_source=share")
    assert meta(page, "og:title") == f"Confirmed: {MOD_CLAIM}"
    assert "State: Confirmed since 25 Jan 2023" in meta(page, "og:description")
    assert meta(page, "og:url").endswith(claim.get_absolute_url())
    assert meta(page, "twitter:card") == "summary_large_image"
    card_url = meta(page, "og:image")
    assert card_url == meta(page, "twitter:image") == f"{live_server.url}/claims/{claim.pk}/card.svg"
    assert meta(page, "og:image:alt") == f"Confirmed: {MOD_CLAIM}"

    # The card, as a chat app's preview fetches it: an SVG that carries the state in its own text.
    card = page.context.new_page()
    response = card.goto(card_url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["etag"] and "public" in response.headers["cache-control"]
    assert card.locator("text.card-state").text_content() == "✓ Confirmed"
    assert card.locator("text.card-claimant").text_content() == "Claim by Russian Ministry of Defence"
    box = card.locator("svg").bounding_box()
    assert (box["width"], box["height"]) == (1200, 630)
    card.screenshot(path=str(artifacts_dir / "share-0-card.png"))
    again = card.request.get(card_url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status == 304
    card.close()
    assert page.locator('link[rel="canonical"]').get_attribute("href").endswith(claim.get_absolute_url())
    assert page.locator('link[rel="icon"]').get_attribute("href").endswith(".svg")
    page.screenshot(path=str(artifacts_dir / "share-1-claim.png"))

    page.locator(".claim__who").get_by_role("link", name="Russian Ministry of Defence").click()
    page.wait_for_url("**/claimants/russian-ministry-of-defence/")
    page.locator(".crumbs").get_by_role("link", name="Claimants").click()
    page.wait_for_url("**/claimants/")
    assert page.get_by_role("heading", level=1).inner_text() == "Claimants"
    row = page.locator("li", has=page.get_by_role("link", name="Russian Ministry of Defence", exact=True))
    assert "1 claim" in row.inner_text()
    assert row.locator(".badge--confirmed").count() == 1
    page.screenshot(path=str(artifacts_dir / "share-2-index.png"), full_page=True)

    page.get_by_role("navigation", name="Claimants by letter").get_by_role("link", name="R", exact=True).click()
    page.wait_for_url("**/claimants/?letter=R")
    names = page.locator(".az-group li > a").all_inner_texts()
    assert names and all(name.startswith("R") for name in names)

    page.go_back()
    page.go_back()
    page.go_back()
    page.wait_for_url(f"**{claim.get_absolute_url()}?utm_source=share")
    assert page.get_by_role("heading", level=1).inner_text() == MOD_CLAIM


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_claims_are_above_the_fold_on_a_phone(live_server, browser, artifacts_dir, scheme):
    call_command("load_demo", verbosity=0)
    phone = new_page(browser, 390, 844, scheme)
    phone.goto(live_server.url + "/")
    phone.wait_for_load_state("load")
    first, second = phone.locator(".claim-row").nth(0).bounding_box(), phone.locator(".claim-row").nth(1).bounding_box()
    assert first["y"] + first["height"] <= 844
    assert second["y"] < 844  # and the next one starts on the first screen too
    assert not phone.get_by_label("State").is_visible()
    phone.screenshot(path=str(artifacts_dir / f"phone-list-{scheme}.png"))
    phone.get_by_text("Filters and sort").click()
    assert phone.get_by_label("State").is_visible()
    with phone.expect_navigation():
        phone.get_by_label("State").select_option("confirmed")
    assert phone.locator(".claim-row").count() == 1
    assert phone.get_by_label("State").is_visible()  # a filter in use keeps them unfolded

    desktop = new_page(browser, 1280, 900, scheme)
    desktop.goto(live_server.url + "/")
    desktop.wait_for_load_state("load")
    assert desktop.get_by_label("State").is_visible()
    assert not desktop.get_by_text("Filters and sort").is_visible()
    desktop.screenshot(path=str(artifacts_dir / f"desktop-list-{scheme}.png"))
