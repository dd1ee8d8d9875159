"""Typed, unsaved text is not lost silently: leaving the page (here, Log out) asks first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.desk.browser import browser, log_in, new_page  # noqa: F401 - fixture
from tests.factories import PASSWORD, ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_out_with_unsaved_text_asks_and_keeps_it_when_the_editor_stays(browser, live_server):  # noqa: F811
    UserFactory(username="anna", groups=["editor"])
    claim = ClaimFactory(text="Russian forces control Soledar")
    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.goto(f"/desk/claims/{claim.pk}/")
    box = page.get_by_role("textbox", name="Claim, in neutral words")
    box.fill("Russia says its forces control Soledar")

    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("button", name="Log out").click()
    expect(box).to_have_value("Russia says its forces control Soledar")
    assert asked == ["beforeunload"]
    assert "/desk/claims/" in page.url

    # Saving the form does not ask, and afterwards logging out does not either.
    page.get_by_role("button", name="Save the claim").click()
    expect(page.get_by_text("Claim saved.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert asked == ["beforeunload"]
    context.close()
