"""The editor's whole path of issue 4, in headless Chromium, with a screenshot per step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims_tracker.claims import services
from claims_tracker.claims.models import Claim, ClaimRelation
from claims_tracker.ingest.models import Candidate
from claims_tracker.ingest.services import reset_matcher_cache
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.ingest.pages import seed_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page, speaker: str):
    return page.locator("tr.candidate-row", has_text=speaker).first


def test_the_editor_flow_from_pasted_report_to_confirmed_claim(browser, live_server, artifacts_dir):  # noqa: F811
    seed = seed_text()
    UserFactory(username="ed", groups=["editor"])
    OutletFactory(name="NBC News", slug="nbc-news")
    services.claimant_create(
        name="Russian Defense Ministry", kind="government", aliases=["Moscow’s Defense Ministry", "Defense Ministry"]
    )
    services.claimant_create(name="Hanna Malyar", role="Deputy Defense Minister of Ukraine", aliases=["Malyar"])
    prigozhin = services.claimant_create(name="Yevgeny Prigozhin", aliases=["Prigozhin"])
    wagner_claim = services.claim_create(text="Wagner forces alone are in charge of Soledar", claimant=prigozhin)
    # The attribution matcher caches the alias table for a while; this test just added claimants.
    reset_matcher_cache()

    context, page = new_page(browser, live_server.url)
    # 1. Log in.
    log_in(page, "ed", PASSWORD)
    expect(page.get_by_role("heading", name="Desk", exact=True)).to_be_visible()
    shot(page, artifacts_dir, "editor-01-desk")

    # 2. Paste the seed article.
    page.get_by_role("link", name="Add a report").first.click()
    page.get_by_label("Report text").fill(seed)
    page.get_by_label("Title").fill("Russia claims control of Soledar")
    page.get_by_label("Outlet").select_option(label="NBC News")
    page.get_by_label("Published (UTC)").fill("2023-01-13T09:40")
    shot(page, artifacts_dir, "editor-02-paste")
    page.get_by_role("button", name="Find the claims").click()

    # 3. The candidates appear.
    expect(page.locator("tr.candidate-row").first).to_be_visible()
    expect(_row(page, "Malyar")).to_be_visible()
    expect(_row(page, "Kyrylenko")).to_be_visible()
    shot(page, artifacts_dir, "editor-03-candidates")
    report_url = page.url

    # 4. Accept the Defense Ministry's claim, in neutral words.
    _row(page, "Defense Ministry").get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("Accept as a new claim"))).to_be_visible()
    shot(page, artifacts_dir, "editor-04-triage")
    accept = page.locator("form[data-shortcut=a]")
    claimant = accept.locator("input[name=a-claimant]")
    expect(claimant).to_have_value(re.compile(r" #\d+$"))  # the matched claimant, as a suggestion reads
    matched = claimant.input_value()
    # Typing a name fetches suggestions (no page lists every claimant); picking one gives its number.
    claimant.fill("Defen")
    suggestion = page.locator("#claimant-names option").first
    expect(suggestion).to_have_attribute("value", matched)
    claimant.fill(suggestion.get_attribute("value"))
    accept.get_by_label("Claim, in neutral words").fill("Russian forces control Soledar")
    accept.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted as claim")).to_be_visible()

    # 5. Accept Malyar's, using the keyboard: `a` lands on Accept, Enter submits.
    page.goto(report_url)
    _row(page, "Malyar").get_by_role("link").click()
    page.locator("form[data-shortcut=a]").get_by_label("Claim, in neutral words").fill("Fighting continues in Soledar")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("a")
    expect(page.locator("form[data-shortcut=a] [data-submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Accepted as claim")).to_be_visible()

    # 6. Accept Kyrylenko's: no claimant matched, so the form names a new one.
    page.goto(report_url)
    _row(page, "Kyrylenko").get_by_role("link").click()
    accept = page.locator("form[data-shortcut=a]")
    expect(accept.get_by_label("New claimant's name")).to_have_value("Pavlo Kyrylenko")
    accept.get_by_label("Claim, in neutral words").fill("Only 500 people remain in Soledar")
    accept.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted as claim")).to_be_visible()

    # 7. Attach Prigozhin's boast to the existing claim, picked from the suggestions.
    page.goto(report_url)
    _row(page, "sole charge").get_by_role("link").click()
    attach = page.locator("form[data-shortcut=m]")
    suggestion = attach.locator("label.suggestion", has_text=f"#{wagner_claim.pk}")
    expect(suggestion).to_be_visible()
    shot(page, artifacts_dir, "editor-05-attach-suggestions")
    suggestion.click()
    attach.get_by_role("button", name="Attach").click()
    expect(page.get_by_text(f"Attached to claim #{wagner_claim.pk}")).to_be_visible()

    # 8. Reject NBC's own line.
    page.goto(report_url)
    _row(page, "NBC News").get_by_role("link").click()
    page.locator("form[data-shortcut=r]").get_by_label("Why is it not a claim?").fill("Reporter's own narration")
    page.locator("form[data-shortcut=r]").get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Rejected.")).to_be_visible()
    page.goto(report_url)
    shot(page, artifacts_dir, "editor-06-triaged")
    page.goto("/desk/")
    expect(page.get_by_role("heading", name="Awaiting a verdict")).to_be_visible()
    expect(page.locator("#main").get_by_text("Only 500 people remain in Soledar")).to_be_visible()
    shot(page, artifacts_dir, "editor-06b-desk-queue")
    assert Candidate.objects.filter(state="accepted").count() == 3
    assert Candidate.objects.get(state="merged").claim_id == wagner_claim.pk
    assert Candidate.objects.get(state="rejected").reject_reason == "Reporter's own narration"

    mod_claim = Claim.objects.get(text="Russian forces control Soledar")
    malyar_claim = Claim.objects.get(text="Fighting continues in Soledar")
    assert mod_claim.claimant.name == "Russian Defense Ministry" and malyar_claim.claimant.name == "Hanna Malyar"
    assert Claim.objects.get(text="Only 500 people remain in Soledar").claimant.name == "Pavlo Kyrylenko"

    # 9. Relate the Defense Ministry's and Malyar's claims as contradicting.
    page.goto(f"/desk/claims/{mod_claim.pk}/")
    relations = page.locator("#relations")
    relations.get_by_label("Relation").select_option("contradicts")
    relations.get_by_label("Other claim").fill(str(malyar_claim.pk))
    relations.get_by_role("button", name="Add relation").click()
    expect(page.get_by_text(f"this claim contradicts claim #{malyar_claim.pk}")).to_be_visible()
    assert ClaimRelation.objects.filter(kind="contradicts", from_claim=mod_claim, to_claim=malyar_claim).exists()
    shot(page, artifacts_dir, "editor-07-related")

    # 10. Disputed, with a rationale.
    page.get_by_role("link", name=re.compile("Change state")).click()
    page.locator("input[name=to_status][value=disputed]").check()
    page.get_by_role("textbox", name="Rationale").fill("Ukraine's Deputy Defense Minister says the battles continued.")
    shot(page, artifacts_dir, "editor-08-status-form")
    page.get_by_role("button", name="Change the state").click()
    expect(page.get_by_text("is now “Disputed”")).to_be_visible()

    # 11. Confirmed without evidence is refused, on the evidence field.
    page.get_by_role("link", name=re.compile("Change state")).click()
    page.locator("input[name=to_status][value=confirmed]").check()
    page.get_by_role("textbox", name="Rationale").fill(
        "Ukraine's military said on 25 January its forces had withdrawn."
    )
    page.get_by_role("button", name="Change the state").click()
    refusal = page.locator("fieldset.field--evidence .errorlist")
    expect(refusal).to_contain_text("needs evidence")
    expect(page.get_by_role("textbox", name="Rationale")).to_have_value(re.compile("withdrawn"))
    shot(page, artifacts_dir, "editor-09-refused")

    # 12. Add evidence, then confirm citing it.
    page.goto(f"/desk/claims/{mod_claim.pk}/")
    evidence = page.locator("#evidence")
    evidence.locator("summary").click()
    evidence.get_by_label("Source URL").fill(
        "https://www.reuters.com/world/europe/ukraine-confirms-withdrawal-soledar-2023-01-25/"
    )
    evidence.get_by_label("Kind").select_option("admission")
    evidence.get_by_label("It… the claim").select_option("supports")
    evidence.get_by_label("Summary").fill("Ukraine's military says its forces withdrew from Soledar.")
    evidence.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Change state")).click()
    page.locator("input[name=to_status][value=confirmed]").check()
    page.get_by_role("textbox", name="Rationale").fill(
        "Ukraine's military said on 25 January its forces had withdrawn."
    )
    page.get_by_label("Ukraine's military says its forces withdrew from Soledar.").check()
    page.get_by_role("button", name="Change the state").click()
    expect(page.get_by_text("is now “Confirmed”")).to_be_visible()
    shot(page, artifacts_dir, "editor-10-confirmed")
    context.close()

    # 13. A reader, in a fresh context, sees the new state and the timeline.
    reader, reader_page = new_page(browser, live_server.url)
    reader_page.goto(f"/claims/{mod_claim.pk}/")
    expect(reader_page.locator(".badge--confirmed").first).to_be_visible()
    expect(reader_page.get_by_text("Ukraine's Deputy Defense Minister says the battles continued.")).to_be_visible()
    expect(
        reader_page.get_by_text("Ukraine's military said on 25 January its forces had withdrawn.").first
    ).to_be_visible()
    expect(reader_page.get_by_role("link", name="Log out")).to_have_count(0)
    shot(reader_page, artifacts_dir, "editor-11-reader")
    reader.close()
