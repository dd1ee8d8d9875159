"""Issue #18 item 1: "Start triage" and the nav's "Triage" open the newest report's first candidate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from claims_tracker.ingest.models import Candidate
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def report(title: str, statements: list[str], created_at) -> list[Candidate]:
    text = " ".join(f"{s}, an official said." for s in statements)
    article = ArticleFactory(title=title, text=text)
    candidates = []
    for s in statements:
        sentence = f"{s}, an official said."
        start = text.index(sentence)
        candidate = Candidate.objects.create(
            article=article,
            sentence=sentence,
            statement=s,
            speaker_text="an official",
            verb="said",
            confidence=0.7,
            start_offset=start,
            end_offset=start + len(sentence),
        )
        # Extraction creates a report's candidates in text order, a moment apart.
        Candidate.objects.filter(pk=candidate.pk).update(created_at=created_at + timedelta(seconds=len(candidates)))
        candidates.append(candidate)
    return candidates


def test_start_triage_and_the_nav_open_the_first_candidate_of_the_newest_report(
    browser,  # noqa: F811
    live_server,
    artifacts_dir,
):
    UserFactory(username="anna", groups=["editor"])
    now = timezone.now()
    report("An older report", ["The bridge was hit", "The dam holds"], now - timedelta(hours=2))
    newest = report("The newest report", ["Soledar has fallen", "Fighting goes on", "500 people remain"], now)

    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.get_by_role("link", name="Start triage").click()
    page.wait_for_url(f"**/desk/triage/{newest[0].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidate 1 of 3")
    expect(page.get_by_text("Soledar has fallen").first).to_be_visible()
    expect(page.get_by_role("link", name="← Previous")).to_have_count(0)
    shot(page, artifacts_dir, "triage-start-first-candidate")

    page.goto("/desk/claims/")
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Triage").click()
    page.wait_for_url(f"**/desk/triage/{newest[0].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidate 1 of 3")
    context.close()
