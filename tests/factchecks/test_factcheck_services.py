"""Fact-checks found: from a fetched page and from a DataFeed, matched to our claims, accepted in one step."""

from __future__ import annotations

import json

import pytest

from claims_tracker.claims.models import Evidence, EvidenceKind, EvidenceStance, IngestState, Status
from claims_tracker.claims.services import ServiceError
from claims_tracker.factchecks import services
from claims_tracker.factchecks.models import FactCheck, FactCheckState
from claims_tracker.ingest import polling
from claims_tracker.ingest import services as ingest
from claims_tracker.ingest.claimreview import Review
from claims_tracker.ingest.models import Candidate, FeedStatus
from tests.factories import ClaimantFactory, ClaimFactory
from tests.ingest.test_claimreview import page, review

pytestmark = pytest.mark.django_db

BODY = (
    "<article><p>Russia's Defense Ministry said on Friday that its forces had taken full control of Soledar, "
    "a salt-mining town in eastern Ukraine. Ukrainian officials rejected the claim and said fighting went on.</p>"
    "<p>Claim: Russian forces control Soledar. Date: January 13, 2023.</p></article>"
)


JUNK = (
    "<p>Claim date: January 13, 2023, the ministry said.</p>"
    "<p>When: 13 January 2023, according to Russia's Defense Ministry.</p>"
    "<p>Reports claimed that Soledar was surrounded.</p>"
    "<p>Fact-checkers reported that the claim was false.</p>"
    "<p>Example Fact Check reports: the Soledar claim is mostly false.</p>"
    "<p>Russia's Defense Ministry said on Friday that its forces had taken full control of Soledar.</p>"
)


@pytest.fixture
def soledar():
    ministry = ClaimantFactory(name="Russia's Defense Ministry")
    return ClaimFactory(text="Russian forces control Soledar", claimant=ministry)


class TestFromAPage:
    def test_each_review_on_a_fetched_page_is_a_suggestion_matched_to_our_claim(
        self, soledar, server, allow_private, run_on_commit
    ):
        other = review(claimReviewed="Only 500 people remain in Soledar", reviewRating={"ratingValue": "5"})
        url = server.route("/check", page(review(), other, raw=BODY))
        article, _ = run_on_commit(ingest.article_submit_url, url=url)
        article.refresh_from_db()
        assert article.ingest_state == IngestState.DONE
        found = list(FactCheck.objects.filter(article=article).order_by("id"))
        reviewed = [f.claim_reviewed for f in found]
        assert reviewed == ["Russian forces control Soledar", "Only 500 people remain in Soledar"]
        first = found[0]
        assert (first.reviewer, first.rating_name, first.rating_value, first.scale) == (
            "Example Fact Check",
            "Mostly false",
            "2",
            "2 on 1–5",
        )
        assert first.claim_author == "Russia's Defense Ministry" and first.reviewed_at.year == 2023
        assert first.claim_id == soledar.pk and first.matches[0]["claim"] == soledar.pk

    def test_the_same_page_again_adds_nothing(self, soledar, server, allow_private, run_on_commit):
        url = server.route("/check", page(review(), raw=BODY))
        article, _ = run_on_commit(ingest.article_submit_url, url=url)
        services.factchecks_store(services.page_reviews(body=page(review()), url=url), article_id=article.pk)
        assert FactCheck.objects.count() == 1

    def test_a_fact_check_page_gives_no_junk_candidates(self, soledar, server, allow_private, run_on_commit):
        checked, _ = run_on_commit(ingest.article_submit_url, url=server.route("/check", page(review(), raw=JUNK)))
        kept = [(c.speaker_text, c.statement) for c in Candidate.objects.filter(article=checked)]
        assert kept == [("Russia's Defense Ministry", "its forces had taken full control of Soledar")]

    def test_the_same_text_on_a_page_that_is_no_fact_check_keeps_what_the_finder_found(
        self, soledar, server, allow_private, run_on_commit
    ):
        """The control of the test above, in a database of its own: here the page would be a copy of that one."""
        plain, _ = run_on_commit(ingest.article_submit_url, url=server.route("/plain", page(raw=JUNK + "<p>x</p>")))
        found = {c.speaker_text for c in Candidate.objects.filter(article=plain)}
        assert {"Reports", "Fact-checkers", "Example Fact Check"} <= found, found


class TestFromADataFeed:
    def _feed(self, server, *reviews):
        body = json.dumps({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": list(reviews)})
        url = server.route("/feed.jsonld", body, headers={"Content-Type": "application/ld+json"})
        return polling.feed_create(url=url)

    def test_each_review_becomes_a_suggestion_and_a_repoll_adds_none(self, soledar, server, allow_private):
        feed = self._feed(server, review(), review(claimReviewed="b", url="https://factcheck.example/b"))
        result = polling.feed_poll(feed.pk)
        assert result.status == FeedStatus.OK and "2 ClaimReviews, 2 new fact-checks" in result.notes[0]
        assert FactCheck.objects.filter(feed=feed).count() == 2
        assert polling.feed_poll(feed.pk).notes[0].endswith("0 new fact-checks")
        assert FactCheck.objects.count() == 2

    def test_json_that_is_not_a_datafeed_is_a_broken_feed(self, server, allow_private):
        json_type = {"Content-Type": "application/json"}
        url = server.route("/x.json", '{"@type": "DataFeed", "dataFeedElement": ', headers=json_type)
        result = polling.feed_poll(polling.feed_create(url=url).pk)
        assert result.status == FeedStatus.BROKEN and FactCheck.objects.count() == 0


class TestAccept:
    @pytest.fixture
    def factcheck(self, soledar):
        services.factchecks_store([_review("1", "False")], feed_id=None, article_id=None)
        return FactCheck.objects.get()

    def test_one_step_makes_evidence_with_the_stance_and_suggests_the_state(self, factcheck, soledar, editor):
        done, verdict = services.factcheck_accept(factcheck_id=factcheck.pk, claim_id=soledar.pk, user=editor)
        evidence = Evidence.objects.get(claim=soledar)
        assert evidence.kind == EvidenceKind.FACT_CHECK and evidence.stance == EvidenceStance.CONTRADICTS
        assert evidence.url == "https://factcheck.example/soledar" and "Example Fact Check" in evidence.summary
        assert verdict.status == Status.REFUTED
        assert done.state == FactCheckState.ACCEPTED and done.evidence_id == evidence.pk and done.decided_by == editor

    def test_it_cannot_be_accepted_twice(self, factcheck, soledar):
        services.factcheck_accept(factcheck_id=factcheck.pk, claim_id=soledar.pk)
        with pytest.raises(ServiceError, match="already accepted"):
            services.factcheck_accept(factcheck_id=factcheck.pk, claim_id=soledar.pk)
        assert Evidence.objects.count() == 1

    def test_an_unknown_claim_is_refused_and_nothing_is_written(self, factcheck):
        with pytest.raises(ServiceError, match="Choose one of our claims"):
            services.factcheck_accept(factcheck_id=factcheck.pk, claim_id=999999)
        assert not Evidence.objects.exists() and FactCheck.objects.get().state == FactCheckState.NEW

    def test_a_rating_that_says_nothing_needs_a_chosen_stance(self, soledar):
        services.factchecks_store([_review("", "Unproven")])
        unclear = FactCheck.objects.get()
        with pytest.raises(ServiceError, match="supports or contradicts"):
            services.factcheck_accept(factcheck_id=unclear.pk, claim_id=soledar.pk)
        services.factcheck_accept(factcheck_id=unclear.pk, claim_id=soledar.pk, stance=EvidenceStance.SUPPORTS)

    def test_dismiss(self, factcheck, editor):
        services.factcheck_dismiss(factcheck_id=factcheck.pk, user=editor)
        assert FactCheck.objects.get().state == FactCheckState.DISMISSED
        with pytest.raises(ServiceError):
            services.factcheck_dismiss(factcheck_id=factcheck.pk)


@pytest.mark.parametrize(
    ("value", "name", "best", "worst", "status"),
    [
        ("1", "False", "5", "1", Status.REFUTED),
        ("5", "True", "5", "1", Status.CONFIRMED),
        ("3", "Half true", "5", "1", Status.PARTLY_CONFIRMED),
        ("2", "Retracted", "5", "1", Status.REFUTED),
        ("7", "", "10", "0", Status.PARTLY_CONFIRMED),
        ("0", "", "0", "10", Status.CONFIRMED),  # a scale where lower is better
        ("", "Pants on Fire", "", "", Status.REFUTED),
        ("", "Mostly false", "", "", Status.REFUTED),
        ("", "Mostly true", "", "", Status.CONFIRMED),
        ("", "Correct", "", "", Status.CONFIRMED),
        ("", "Unproven", "", "", None),
    ],
)
def test_the_verdict_a_rating_suggests(value, name, best, worst, status):
    verdict = services.verdict_of(Review(rating_value=value, rating_name=name, best_rating=best, worst_rating=worst))
    assert (verdict.status if verdict else None) == status


def _review(value: str, name: str) -> Review:
    return Review(
        reviewer="Example Fact Check",
        rating_name=name,
        rating_value=value,
        best_rating="5" if value else "",
        worst_rating="1" if value else "",
        claim_reviewed="Russian forces control Soledar",
        url="https://factcheck.example/soledar",
    )
