"""Issue #17 item 2: a statement reported by several outlets is one row on the desk, and accepting the group
makes one claim with an appearance per report, each with its own outlet and quote."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims_tracker.claims.models import Appearance, Claim
from claims_tracker.ingest.models import Candidate, CandidateState
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.desk.groups import QUOTES, make_group
from tests.factories import PASSWORD, ClaimantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_splits_off_a_wrong_report_then_accepts_the_group(
    browser,  # noqa: F811
    live_server,
    artifacts_dir,
):
    UserFactory(username="anna", groups=["editor"])
    mod = ClaimantFactory(name="Russian Defense Ministry", slug="russian-defense-ministry", kind="government")
    group = make_group(mod)
    wrong = Candidate.objects.filter(group=group).order_by("article__published_at").last()

    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.goto("/desk/")
    row = page.locator(f'[data-group="{group.pk}"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"reported by {len(QUOTES)} outlets")
    shot(page, artifacts_dir, "group-row-on-desk")
    row.get_by_role("link").first.click()
    page.wait_for_url(f"**/desk/groups/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"reported by {len(QUOTES)} outlets")

    page.locator(f'tr[data-member="{wrong.pk}"]').get_by_role("button", name="Split off").click()
    expect(page.get_by_text("Split off the group")).to_be_visible()
    expect(page.locator(f'tr[data-member="{wrong.pk}"]')).to_have_count(0)

    page.get_by_label("Claim, in neutral words").fill("Russian forces control Soledar.")
    page.get_by_role("button", name=f"Accept {len(QUOTES) - 1} reports").click()
    page.wait_for_url("**/desk/claims/*/")
    expect(page.get_by_text(f"with {len(QUOTES) - 1} appearances")).to_be_visible()
    shot(page, artifacts_dir, "group-accepted")
    context.close()

    claim = Claim.objects.get(claimant=mod)
    assert claim.text == "Russian forces control Soledar."
    appearances = Appearance.objects.filter(claim=claim)
    members = Candidate.objects.filter(group=group)
    assert sorted(appearances.values_list("article_id", "quote")) == sorted(members.values_list("article_id", "quote"))
    wrong.refresh_from_db()
    assert (wrong.state, wrong.group_id) == (CandidateState.NEW, None)
