"""Issue 18's "Done when": two editors share a day's triage on the desk, from paste to verdict, without a dead end.

Anna pastes the NBC report; its candidates appear, the Defense Ministry's grouped with a wire copy already on the
desk. She gives that group, and Kyrylenko's lone candidate, to Ben. Ben, in his own browser context, finds both
in My work, accepts the group as a new claim, confirms it with evidence on the status form, and accepts the lone
candidate; his My work is empty again. Anna hears of his verdict and reads it on the claim page.

After each editor's first URL (the login page) the test only clicks links and buttons and types into fields it
can see: a page with no way on fails it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims_tracker.claims import services
from claims_tracker.claims.models import Claim, Status
from claims_tracker.ingest.models import Candidate, CandidateState
from claims_tracker.ingest.services import article_submit_text, reset_matcher_cache
from claims_tracker.teamwork.models import Assignment, Notification, Verb
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.ingest.pages import seed_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A wire copy of the Defense Ministry's statement, on the desk before the day starts: NBC's report restates it,
# so grouping puts the two in one candidate group.
WIRE = (
    "MOSCOW (Wire) — Russia now controls the mining town of Soledar in the Donbas region, "
    "Moscow’s Defense Ministry said on Friday."
)
RATIONALE = "Ukraine's military said on 25 January its forces had withdrawn from Soledar."


def _row(page, speaker: str):
    return page.locator("tr.candidate-row", has_text=speaker).first


def _assign_to(page, name: str) -> None:
    team = page.locator("#team")
    team.get_by_role("combobox", name="Assigned to").select_option(label=name)
    team.get_by_role("button", name="Assign").click()


def test_two_editors_share_a_days_triage_from_paste_to_verdict(browser, live_server, artifacts_dir):  # noqa: F811
    UserFactory(username="anna", groups=["editor"])
    UserFactory(username="ben", groups=["editor"])
    OutletFactory(name="NBC News", slug="nbc-news")
    services.claimant_create(
        name="Russian Defense Ministry", kind="government", aliases=["Moscow’s Defense Ministry", "Defense Ministry"]
    )
    reset_matcher_cache()  # the attribution matcher caches the alias table; this test just added a claimant
    article_submit_text(text=WIRE, title="Russia says it holds Soledar", outlet=OutletFactory(name="Wire"))

    anna_context, anna = new_page(browser, live_server.url)
    ben_context, ben = new_page(browser, live_server.url)
    log_in(anna, "anna", PASSWORD)
    log_in(ben, "ben", PASSWORD)

    # Ben's day starts empty, and the page says what to do.
    ben.get_by_role("link", name=re.compile(r"^My work")).click()
    expect(ben.get_by_text("Nothing is assigned to you.")).to_be_visible()

    # 1. Anna pastes the report; the candidates appear.
    anna.get_by_role("link", name="Add a report").first.click()
    anna.get_by_label("Report text").fill(seed_text())
    anna.get_by_label("Title").fill("Russia claims control of Soledar")
    anna.get_by_label("Outlet").select_option(label="NBC News")
    anna.get_by_label("Published (UTC)").fill("2023-01-13T09:40")
    anna.get_by_role("button", name="Find the claims").click()
    expect(_row(anna, "Kyrylenko")).to_be_visible()
    expect(_row(anna, "Russian Defense Ministry")).to_be_visible()
    shot(anna, artifacts_dir, "team-day-01-candidates")

    # 2. The Defense Ministry's statement is also in the wire copy: its triage page says so, and its team panel
    #    gives the whole group to Ben.
    _row(anna, "Russian Defense Ministry").get_by_role("link").click()
    expect(anna.get_by_role("link", name="reported by 2 outlets")).to_be_visible()
    expect(anna.locator("#team")).to_contain_text("Nobody has this group yet")
    _assign_to(anna, "ben")
    expect(
        anna.get_by_text(re.compile(r"Group #\d+ is assigned to ben to triage; they are notified\."))
    ).to_be_visible()
    expect(anna.get_by_test_id("triage-assignee")).to_contain_text("Assigned to ben by anna")
    shot(anna, artifacts_dir, "team-day-02-group-assigned")

    # 3. Back on the report, Kyrylenko's candidate is in no group: Anna gives it to Ben on its own.
    anna.get_by_role("link", name="Russia claims control of Soledar").first.click()
    expect(_row(anna, "Russian Defense Ministry").locator(".tag--assignee")).to_have_text("ben")
    _row(anna, "Kyrylenko").get_by_role("link").click()
    expect(anna.locator("#team")).to_contain_text("Nobody has this candidate yet")
    _assign_to(anna, "ben")
    expect(anna.get_by_text(re.compile(r"Candidate #\d+ is assigned to ben to triage"))).to_be_visible()
    anna.get_by_role("link", name="Russia claims control of Soledar").first.click()
    expect(_row(anna, "Kyrylenko").locator(".tag--assignee")).to_have_text("ben")
    shot(anna, artifacts_dir, "team-day-02b-report-assigned")
    group_id = Assignment.objects.get(group__isnull=False).group_id
    assert Assignment.objects.filter(assignee__username="ben").count() == 2

    # 4. Ben finds both in My work (the nav counts them) and opens the group.
    ben.get_by_role("link", name="Desk", exact=True).first.click()
    expect(ben.get_by_test_id("my-work-count")).to_have_text("2")
    ben.get_by_role("link", name=re.compile(r"^My work")).click()
    work = ben.get_by_test_id("my-work")
    expect(work.locator('tr[data-kind="group"]')).to_contain_text("reported by 2 outlets")
    expect(work.locator('tr[data-kind="candidate"]')).to_contain_text("Pavlo Kyrylenko")
    expect(work.locator("tr")).to_have_count(3)  # the head and two rows
    shot(ben, artifacts_dir, "team-day-03-my-work")
    work.locator('tr[data-kind="group"]').get_by_role("link").click()
    expect(ben.get_by_test_id("triage-assignee")).to_contain_text("Assigned to ben by anna")

    # 5. Ben accepts the group as one new claim: each report becomes its own appearance.
    ben.get_by_label("Claim, in neutral words").fill("Russian forces control Soledar")
    ben.get_by_role("button", name="Accept 2 reports").click()
    expect(ben.get_by_text(re.compile(r"Accepted as claim #\d+: “Russian forces control Soledar”"))).to_be_visible()
    claim = Claim.objects.get(text="Russian forces control Soledar")
    assert claim.appearances.count() == 2
    assert not Candidate.objects.filter(group_id=group_id, state=CandidateState.NEW).exists()

    # 6. ...and gives it its verdict on the status form, with the evidence for it.
    ben.get_by_role("link", name=re.compile("Change state")).click()
    ben.locator("label.state-choice", has_text="✓ Confirmed").click()
    ben.get_by_role("textbox", name="Rationale").fill(RATIONALE)
    ben.get_by_role("textbox", name="New evidence: URL").fill("https://example.org/soledar-withdrawal")
    ben.get_by_role("combobox", name="It… the claim").select_option("supports")
    ben.get_by_role("textbox", name="Summary").fill("Ukraine's military conceded the withdrawal.")
    ben.get_by_role("button", name="Change the state").click()
    expect(ben.get_by_text("is now “Confirmed”")).to_be_visible()
    shot(ben, artifacts_dir, "team-day-04-verdict")

    # 7. The group has left My work; the lone candidate waits there. Ben accepts it, naming its new claimant.
    ben.get_by_role("link", name=re.compile(r"^My work")).click()
    work = ben.get_by_test_id("my-work")
    expect(work.locator('tr[data-kind="group"]')).to_have_count(0)
    work.locator('tr[data-kind="candidate"]').get_by_role("link").click()
    accept = ben.locator("form[data-shortcut=a]")
    expect(accept.get_by_label("New claimant's name")).to_have_value("Pavlo Kyrylenko")
    accept.get_by_label("Claim, in neutral words").fill("Only 500 people remain in Soledar")
    accept.get_by_role("button", name="Accept").click()
    expect(ben.get_by_text("Accepted as claim")).to_be_visible()

    # 8. Ben's My work is done, and says where to go next.
    ben.get_by_role("link", name=re.compile(r"^My work")).click()
    expect(ben.get_by_text("Nothing is assigned to you.")).to_be_visible()
    expect(ben.get_by_role("link", name="triage new candidates")).to_be_visible()
    shot(ben, artifacts_dir, "team-day-05-done")

    # 9. Anna hears of Ben's triage and of his verdict (she follows the claim her group became), and reads it.
    anna.get_by_role("link", name="Desk", exact=True).first.click()
    expect(anna.get_by_test_id("unread-count")).to_be_visible()
    anna.get_by_role("link", name=re.compile(r"^Notifications")).click()
    notifications = anna.get_by_test_id("notifications")
    expect(notifications).to_contain_text(f"accepted a candidate as claim #{claim.pk}")
    expect(notifications).to_contain_text(f"changed the state of claim #{claim.pk}")
    expect(notifications).to_contain_text("Unverified → Confirmed")
    shot(anna, artifacts_dir, "team-day-06-anna-notified")
    notifications.get_by_role("link", name=f"claim #{claim.pk}").first.click()
    expect(anna.locator(".badge--confirmed").first).to_be_visible()
    expect(anna.get_by_text(RATIONALE).first).to_be_visible()
    shot(anna, artifacts_dir, "team-day-07-anna-reads-verdict")

    claim.refresh_from_db()
    assert claim.status == Status.CONFIRMED and claim.status_changed_by.username == "ben"
    assert not Assignment.objects.exists()
    told = set(Notification.objects.filter(user__username="anna").values_list("activity__verb", flat=True))
    assert {Verb.CANDIDATE_ACCEPTED, Verb.STATUS_CHANGED} <= told
    anna_context.close()
    ben_context.close()
