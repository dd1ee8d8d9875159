"""Two editors edit the same claim at once: the second save is refused and the first survives."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_concurrent_save_is_refused(browser, live_server, artifacts_dir):  # noqa: F811
    UserFactory(username="anna", groups=["editor"])
    UserFactory(username="ben", groups=["editor"])
    claim = ClaimFactory(text="Russian forces control Soledar")

    first_context, first = new_page(browser, live_server.url)
    second_context, second = new_page(browser, live_server.url)
    log_in(first, "anna", PASSWORD)
    log_in(second, "ben", PASSWORD)
    for page in (first, second):
        page.goto(f"/desk/claims/{claim.pk}/")
        expect(page.get_by_role("textbox", name="Claim, in neutral words")).to_have_value(claim.text)

    first.get_by_role("textbox", name="Claim, in neutral words").fill("Russia says its forces control Soledar")
    first.get_by_role("button", name="Save the claim").click()
    expect(first.get_by_text("Claim saved.")).to_be_visible()

    second.get_by_role("textbox", name="Claim, in neutral words").fill("Wagner fighters took Soledar")
    second.get_by_role("button", name="Save the claim").click()
    refusal = second.get_by_role("alert").filter(has_text="someone else changed this")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("anna")
    expect(refusal).to_contain_text("Russia says its forces control Soledar")
    # What Ben typed is still in his form.
    expect(second.get_by_role("textbox", name="Claim, in neutral words")).to_have_value("Wagner fighters took Soledar")
    shot(second, artifacts_dir, "editor-12-concurrent-refused")

    claim.refresh_from_db()
    assert claim.text == "Russia says its forces control Soledar"
    assert claim.history.filter(history_user__username="ben").count() == 0
    first_context.close()
    second_context.close()
