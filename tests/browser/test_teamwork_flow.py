"""Two editors share a claim: Anna follows it, gives it to Ben with a note; Ben finds it in "My work",
reads the note and changes its state; Anna is notified."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims_tracker.teamwork.models import Assignment, Note, Notification
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Called the ministry's press office: no answer yet. Geolocation pending."


def test_an_editor_assigns_notes_and_hears_back(browser, live_server, artifacts_dir):  # noqa: F811
    UserFactory(username="anna", groups=["editor"])
    ben = UserFactory(username="ben", groups=["editor"])
    claim = ClaimFactory(text="Russian forces control Soledar")
    anna_context, anna = new_page(browser, live_server.url)
    ben_context, ben_page = new_page(browser, live_server.url)
    log_in(anna, "anna", PASSWORD)
    log_in(ben_page, "ben", PASSWORD)

    # Ben starts with nothing to do, and the page says what to do next.
    ben_page.get_by_role("link", name=re.compile(r"^My work")).click()
    expect(ben_page.get_by_text("Nothing is assigned to you.")).to_be_visible()

    # Anna follows the claim, gives it to Ben and leaves a note.
    anna.goto(f"/desk/claims/{claim.pk}/")
    team = anna.locator("#team")
    expect(team).to_contain_text("Nobody has this claim yet.")
    team.get_by_role("button", name="Follow").click()
    expect(anna.get_by_text(f"You follow claim #{claim.pk}")).to_be_visible()
    team.get_by_role("combobox", name="Assigned to").select_option(label="ben")
    team.get_by_role("button", name="Assign").click()
    expect(anna.get_by_text(f"Claim #{claim.pk} is assigned to ben")).to_be_visible()
    expect(anna.get_by_test_id("assignee")).to_contain_text("Assigned to ben by anna")
    team.get_by_role("textbox", name="Internal note").fill(NOTE)
    team.get_by_role("button", name="Add note").click()
    expect(anna.get_by_text("Note added. Only editors see it.")).to_be_visible()
    expect(anna.locator(".note__text")).to_have_text(NOTE)
    shot(anna, artifacts_dir, "teamwork-01-assigned-with-note")

    # Ben sees it in "My work" (the nav counts it), reads the note, and disputes the claim.
    ben_page.goto("/desk/")
    expect(ben_page.get_by_test_id("my-work-count")).to_have_text("1")
    ben_page.get_by_role("link", name=re.compile(r"^My work")).click()
    work = ben_page.get_by_test_id("my-work")
    expect(work).to_contain_text("Russian forces control Soledar")
    expect(work).to_contain_text("Unverified")
    shot(ben_page, artifacts_dir, "teamwork-02-my-work")
    work.get_by_role("link", name="Russian forces control Soledar").click()
    expect(ben_page.locator(".note__text")).to_have_text(NOTE)
    ben_page.get_by_role("link", name=re.compile("Change state")).click()
    ben_page.locator("label.state-choice", has_text="Disputed").click()
    ben_page.get_by_role("textbox", name="Rationale").fill("Ukraine's deputy defence minister says the battles go on.")
    ben_page.get_by_role("button", name="Change the state").click()
    expect(ben_page.get_by_text("is now “Disputed”")).to_be_visible()

    # Anna, following, is notified: the nav counts it, the list says who did what.
    anna.goto("/desk/")
    expect(anna.get_by_test_id("unread-count")).to_contain_text("1")
    anna.get_by_role("link", name=re.compile(r"^Notifications")).click()
    notifications = anna.get_by_test_id("notifications")
    expect(notifications).to_contain_text("ben")
    expect(notifications).to_contain_text(f"changed the state of claim #{claim.pk}")
    expect(notifications).to_contain_text("Unverified → Disputed")
    expect(notifications).not_to_contain_text(NOTE)
    shot(anna, artifacts_dir, "teamwork-03-notified")
    anna.get_by_role("button", name="Mark all read").click()
    expect(anna.get_by_text("1 notification marked read.")).to_be_visible()
    expect(anna.get_by_test_id("unread-count")).to_have_count(0)

    assert Assignment.objects.get(claim=claim).assignee == ben
    assert Note.objects.get(claim=claim).text == NOTE
    assert not Notification.objects.filter(user__username="anna", read_at__isnull=True).exists()
    anna_context.close()
    ben_context.close()
