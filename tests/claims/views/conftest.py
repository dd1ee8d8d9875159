"""Builders for the reader page tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims_tracker.claims.demo import load_demo
from claims_tracker.claims.models import Appearance, Claim, Stance
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, OutletFactory


@pytest.fixture
def demo(db):
    load_demo()
    return {c.text: c for c in Claim.objects.select_related("claimant")}


@pytest.fixture
def mod_claim(demo) -> Claim:
    return Claim.objects.get(claimant__slug="russian-ministry-of-defence")


def add_appearances(claim: Claim, n: int) -> None:
    """`n` appearances across `n` outlets, every stance, written in bulk."""
    stances = list(Stance.values)
    speakers = [ClaimantFactory() for _ in range(3)]
    appearances = []
    for i in range(n):
        article = ArticleFactory(outlet=OutletFactory())
        appearances.append(
            Appearance(
                claim=claim,
                article=article,
                speaker=speakers[i % 3],
                stance=stances[i % len(stances)],
                quote=f"Quote number {i} about the town.",
            )
        )
    Appearance.objects.bulk_create(appearances)


def make_claims(n: int, **kwargs) -> list[Claim]:
    base = timezone.now() - timedelta(days=1)
    claimant = kwargs.pop("claimant", None) or ClaimantFactory()
    return [ClaimFactory(claimant=claimant, claimed_at=base - timedelta(minutes=i), **kwargs) for i in range(n)]


def set_status(claim: Claim, status: str, user=None) -> None:
    """Move a claim to `status`, citing evidence of the stance the state needs."""
    from claims_tracker.claims import services
    from claims_tracker.claims.models import EvidenceStance, Status
    from tests.factories import add_evidence

    stance = EvidenceStance.CONTRADICTS if status in (Status.REFUTED, Status.RETRACTED) else EvidenceStance.SUPPORTS
    evidence = add_evidence(claim, stance=stance)
    services.claim_change_status(
        claim_id=claim.pk, to_status=status, rationale="Checked.", user=user, evidence_ids=[evidence.pk]
    )
