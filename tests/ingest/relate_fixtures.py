"""Three reports of the battle for Soledar from three outlets, with the demo loaded: the seed (NBC News), a
second outlet restating the MoD's and Malyar's statements, and the later report of Ukraine's withdrawal."""

from __future__ import annotations

import pytest

from claims_tracker.claims.demo import CLAIMS, load_demo
from claims_tracker.claims.models import Claim, Outlet
from claims_tracker.ingest import services as ingest
from claims_tracker.ingest.models import Candidate
from tests.factories import OutletFactory
from tests.ingest.pages import seed_text

OTHER = (
    "Russia's Defense Ministry said on Friday that Russian forces now control the mining town of Soledar. "
    "Ukraine's Deputy Defense Minister Hanna Malyar wrote on Telegram that the battles continued in Soledar."
)
LATER = "Ukraine's military said on Wednesday that its forces had withdrawn from Soledar to preserve lives."


def submit(text: str, title: str, outlet: str):
    found = Outlet.objects.filter(name=outlet).first() or OutletFactory(name=outlet)
    article, _ = ingest.article_submit_text(text=text, title=title, outlet=found, enqueue=False)
    ingest.article_find_candidates(article.pk)
    return article


@pytest.fixture
def reports(db):
    load_demo()
    ingest.reset_matcher_cache()
    return {
        "nbc": submit(seed_text(), "Russia claims Soledar", "NBC News"),
        "other": submit(OTHER, "Soledar: Moscow claims control", "Wire Service"),
        "later": submit(LATER, "Ukraine withdraws from Soledar", "Kyiv Daily"),
    }


def member(article, slug: str) -> Candidate:
    return Candidate.objects.filter(article=article, claimant__slug=slug).order_by("start_offset").first()


def demo_claim(key: str) -> Claim:
    return Claim.objects.get(text=next(c.text for c in CLAIMS if c.key == key))
