"""The status form names every problem at once: an editor fixes them in one pass, not one submit each."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_missing_rationale_and_missing_evidence_show_together(browser, live_server, artifacts_dir):  # noqa: F811
    UserFactory(username="anna", groups=["editor"])
    claim = ClaimFactory(text="Russian forces control Soledar")
    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.goto(f"/desk/claims/{claim.pk}/status/")
    page.locator("label.state-choice", has_text="✓ Confirmed").click()
    page.get_by_role("button", name="Change the state").click()

    expect(page.locator(".field--rationale.field--error")).to_be_visible()
    expect(page.locator(".field--evidence.field--error")).to_contain_text("needs evidence")
    shot(page, artifacts_dir, "editor-13-status-all-problems")

    # Both fixed in one pass: the change goes through.
    page.get_by_role("textbox", name="Rationale").fill("Ukraine's military said its forces withdrew.")
    page.get_by_role("textbox", name="New evidence: URL").fill("https://example.org/withdrawal")
    page.get_by_role("combobox", name="It… the claim").select_option("supports")
    page.get_by_role("textbox", name="Summary").fill("Ukraine's military conceded the withdrawal.")
    page.get_by_role("button", name="Change the state").click()
    expect(page.get_by_text("is now “Confirmed”")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "confirmed"
    context.close()
