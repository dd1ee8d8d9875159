"""Accounts in the browser (issue #18, Accounts): a reviewer lifts an editor's login pause from the
desk, and an editor turns on two-step login with the key the page shows."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_lifts_an_editors_pause_from_the_desk(browser, live_server, artifacts_dir, settings):  # noqa: F811
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="anna", groups=["editor"])
    UserFactory(username="rita", groups=["reviewer"])
    anna_context, anna = new_page(browser, live_server.url)
    rita_context, rita = new_page(browser, live_server.url)

    anna.goto("/accounts/login/")
    for attempt in range(3):
        anna.get_by_label("Username").fill("anna")
        anna.get_by_label("Password").fill("a wrong guess")
        with anna.expect_navigation():  # each answer is a new page: wait for it before typing again
            anna.get_by_role("button", name="Log in").click()
        if attempt < 2:
            expect(anna.get_by_text("do not match an editor account")).to_be_visible()
    expect(anna.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(anna.get_by_role("link", name="reset it by email")).to_be_visible()
    shot(anna, artifacts_dir, "accounts-01-paused")

    log_in(rita, "rita", PASSWORD)
    rita.get_by_role("navigation", name="Desk").get_by_role("link", name="Accounts").click()
    row = rita.get_by_role("row").filter(has_text="anna").filter(has_text="127.0.0.1")
    expect(row).to_be_visible()
    shot(rita, artifacts_dir, "accounts-02-reviewer-sees-pause")
    row.get_by_role("button", name="Lift the pause").click()
    expect(rita.get_by_text("anna can log in from 127.0.0.1 again.")).to_be_visible()
    expect(rita.get_by_text("No login is paused now.")).to_be_visible()

    log_in(anna, "anna", PASSWORD)
    expect(anna.get_by_role("heading", level=1)).to_be_visible()
    anna_context.close()
    rita_context.close()


def test_an_editor_turns_on_two_step_login_and_logs_in_with_a_code(
    browser,  # noqa: F811
    live_server,
    artifacts_dir,
    settings,
):
    # A code typed as its 30-second step ends is checked in the next step; with drift syncing on, django-otp
    # would then move the device one step back, and the next step's code below would be out of its window.
    settings.OTP_TOTP_SYNC = False
    UserFactory(username="anna", groups=["editor"])
    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.get_by_role("link", name="Two-step login").click()
    page.get_by_role("button", name="Set up two-step login").click()
    expect(page.locator("figure svg")).to_be_visible()
    shot(page, artifacts_dir, "accounts-03-two-step-setup")
    # What a phone would do with the QR code: the key, read off the page.
    key = b32decode(page.locator("figcaption code").inner_text())
    page.get_by_label("Code from the app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Turn on two-step login").click()
    expect(page.get_by_text("Two-step login is on.").first).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("enter the current code from your authenticator app")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    # The next step's code: the one used to turn it on works only once.
    page.get_by_label("Authentication code").fill(f"{TOTP(key, drift=1).token():06d}")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/desk/")
    context.close()
