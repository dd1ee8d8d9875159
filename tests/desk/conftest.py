"""Fixtures for the desk pages: signed-in clients per role and a report with candidates."""

from __future__ import annotations

import pytest
from django.test import Client

from claims_tracker.ingest.models import Candidate
from tests.factories import ArticleFactory, ClaimantFactory, UserFactory

SENTENCE = "Russia now controls the mining town of Soledar, Moscow's Defense Ministry said on Friday."


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def reader_client(db) -> Client:
    """Signed in, but without a role: a reader."""
    client = Client()
    client.force_login(UserFactory(username="reader"))
    return client


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", groups=["editor"])


@pytest.fixture
def article(db):
    return ArticleFactory(title="Russia claims Soledar", text="Intro. " + SENTENCE + " More text follows here.")


@pytest.fixture
def mod(db):
    return ClaimantFactory(name="Russian Defense Ministry", slug="russian-defense-ministry", kind="government")


@pytest.fixture
def candidate(article, mod) -> Candidate:
    start = article.text.index(SENTENCE)
    return Candidate.objects.create(
        article=article,
        sentence=SENTENCE,
        statement="Russia now controls the mining town of Soledar",
        quote="",
        speaker_text="Moscow's Defense Ministry",
        claimant=mod,
        verb="said",
        confidence=0.8,
        start_offset=start,
        end_offset=start + len(SENTENCE),
    )


@pytest.fixture
def unmatched_candidate(article) -> Candidate:
    return Candidate.objects.create(
        article=article,
        sentence="Only 500 people remained in Soledar, said Pavlo Kyrylenko.",
        statement="Only 500 people remained in Soledar",
        speaker_text="Pavlo Kyrylenko",
        verb="said",
        confidence=0.7,
        start_offset=0,
        end_offset=6,
    )
