"""A reader's path through the site in headless Chromium, on the Soledar demo."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (loading the demo, flushing afterwards) are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            yield tab
        finally:
            browser.close()


def test_a_reader_filters_searches_and_reads_the_defense_ministry_claim(live_server, page, artifacts_dir):
    call_command("load_demo", verbosity=0)

    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Claims in the news").is_visible()
    assert page.locator(".claim-row").count() == 6
    page.screenshot(path=str(artifacts_dir / "reader-1-home.png"), full_page=True)

    # The state menu applies itself (reader.js); the list keeps the one confirmed claim.
    with page.expect_navigation():
        page.get_by_label("State").select_option("confirmed")
    assert "status=confirmed" in page.url
    rows = page.locator(".claim-row")
    assert rows.count() == 1
    assert squash(rows.first.locator(".badge--confirmed").text_content()) == "✓ Confirmed"
    page.screenshot(path=str(artifacts_dir / "reader-2-confirmed.png"), full_page=True)

    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(live_server.url + "/")
    page.wait_for_load_state("load")  # reader.js (deferred) listens for the "/" shortcut
    page.keyboard.press("/")  # the shortcut puts the cursor in the search box
    page.keyboard.type("Soledar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Soledar" in page.url
    assert page.locator(".claim-row").count() == 6
    assert page.locator(".claim-row mark").first.inner_text() == "Soledar"
    page.screenshot(path=str(artifacts_dir / "reader-3-search.png"), full_page=True)

    page.get_by_role("link", name="Russian forces have taken control of the town of Soledar.").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Russian forces have taken control of the town of Soledar."
    )
    assert "Russian Ministry of Defence" in page.locator(".claim__who").inner_text()

    timeline = page.locator(".timeline__item")
    assert timeline.count() == 3
    assert "Conceded by the other side" in timeline.nth(0).inner_text()  # newest on top
    assert [squash(t) for t in timeline.nth(0).locator(".badge").all_text_contents()] == ["⇄ Disputed", "✓ Confirmed"]
    assert "Logged as claimed" in timeline.nth(2).inner_text()

    groups = {g.get_attribute("data-stance"): g.locator(".appearance").count() for g in page.locator(".stance").all()}
    assert groups == {"asserts": 2, "denies": 1, "disputes": 1, "reports": 1}
    assert "Hanna Malyar" in page.locator(".stance--disputes").inner_text()
    assert "Konashenkov" in page.locator(".stance--asserts").inner_text()
    page.screenshot(path=str(artifacts_dir / "reader-4-claim.png"), full_page=True)

    # What was known on 20 January: disputed.
    page.get_by_label("What was known on").fill("2023-01-20")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "Disputed" in page.locator(".as-of__result").inner_text()
    page.screenshot(path=str(artifacts_dir / "reader-5-as-of.png"), full_page=True)

    # A phone: who-says-what stacks into one column.
    page.set_viewport_size({"width": 390, "height": 844})
    boxes = [s.bounding_box() for s in page.locator(".stance").all()]
    assert len({round(b["x"]) for b in boxes}) == 1
    page.screenshot(path=str(artifacts_dir / "reader-6-claim-phone.png"), full_page=True)
