"""A candidate group built by hand: one claimant's statement in three reports from three outlets."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from claims_tracker.claims.models import Stance
from claims_tracker.ingest.models import Candidate, CandidateGroup
from tests.factories import ArticleFactory, OutletFactory

QUOTES = [
    ("Russia now controls the mining town of Soledar", Stance.ASSERTS, "said"),
    ("Russian forces have taken control of Soledar", Stance.ASSERTS, "claimed"),
    ("the town of Soledar is under Russian control", Stance.REPORTS, "reported"),
]


def make_group(claimant, *, size: int = 3) -> CandidateGroup:
    group = CandidateGroup.objects.create(claimant=claimant, statement=QUOTES[0][0])
    now = timezone.now()
    for index, (quote, stance, verb) in enumerate(QUOTES[:size]):
        outlet = OutletFactory(name=f"Outlet {index} of group {group.pk}")
        text = f"Intro. {claimant.name} {verb} that “{quote}”. Report {group.pk}."
        article = ArticleFactory(outlet=outlet, text=text, published_at=now - timedelta(hours=size - index))
        Candidate.objects.create(
            article=article,
            sentence=text[7 : text.index("”") + 1],
            statement=quote,
            quote=quote,
            speaker_text=claimant.name,
            claimant=claimant,
            verb=verb,
            stance=stance,
            start_offset=7,
            end_offset=text.index("”") + 1,
            group=group,
        )
    return group
