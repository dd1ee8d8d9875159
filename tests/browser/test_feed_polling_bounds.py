"""An editor reads how a feed is polled (the interval in use, its bounds, the share of 304s) and sets its bounds."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims_tracker.ingest.models import Feed, FeedStatus
from tests.desk.browser import browser, log_in, new_page, shot  # noqa: F401 - fixture
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sets_a_feeds_polling_bounds(browser, live_server, artifacts_dir, settings):  # noqa: F811
    settings.INGEST_FEED_MIN_INTERVAL, settings.INGEST_FEED_MAX_INTERVAL = 300, 3600
    UserFactory(username="anna", groups=["editor"])
    feed = Feed.objects.create(
        url="https://wire.example/rss",
        title="Wire",
        poll_interval=1800,
        last_status=FeedStatus.NOT_MODIFIED,
        poll_count=12,
        not_modified_count=9,
    )
    context, page = new_page(browser, live_server.url)
    log_in(page, "anna", PASSWORD)
    page.goto(f"/desk/feeds/{feed.pk}/")
    expect(page.locator(".facts")).to_contain_text("30 min now")
    expect(page.locator(".facts")).to_contain_text("adapts between 5 and 60 min")
    expect(page.locator(".facts")).to_contain_text("9 of 12 polls (75%)")
    expect(page.locator(".facts")).to_contain_text("the feed names no hub")

    # Crossed bounds: refused with the reason, nothing changed.
    page.get_by_role("spinbutton", name="At most every (minutes)").fill("20")
    page.get_by_role("spinbutton", name="At least every (minutes)").fill("10")
    page.get_by_role("button", name="Save bounds").click()
    expect(page.get_by_text("Polling bounds not changed.")).to_be_visible()
    expect(page.get_by_text("is longer than the longest")).to_be_visible()

    page.get_by_role("spinbutton", name="At most every (minutes)").fill("2")
    page.get_by_role("spinbutton", name="At least every (minutes)").fill("15")
    page.get_by_role("button", name="Save bounds").click()
    expect(page.get_by_text("Polling bounds saved.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("15 min now")  # brought within the new bounds at once
    expect(page.locator(".facts")).to_contain_text("adapts between 2 and 15 min")
    expect(page.get_by_role("spinbutton", name="At most every (minutes)")).to_have_value("2")
    shot(page, artifacts_dir, "feed-polling-bounds")
    feed.refresh_from_db()
    assert (feed.poll_interval_min, feed.poll_interval_max, feed.poll_interval) == (120, 900, 900)
    context.close()
