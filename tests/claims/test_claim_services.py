"""Writes other than status changes: create, appearances, evidence, relations, edits, merges."""

from __future__ import annotations

import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import ClaimRelation, Status
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, StoryFactory, add_evidence


@pytest.mark.django_db
class TestClaimCreate:
    def test_it_starts_history_unverified(self):
        story = StoryFactory()
        claim = services.claim_create(text="  Forces   took the town. ", claimant=ClaimantFactory(), stories=[story])
        assert claim.text == "Forces took the town."
        assert claim.status == Status.UNVERIFIED and claim.version == 1
        assert list(claim.stories.all()) == [story]
        change = claim.status_changes.get()
        assert (change.from_status, change.to_status) == ("", Status.UNVERIFIED)

    def test_it_refuses_an_empty_statement(self):
        with pytest.raises(services.ServiceError) as err:
            services.claim_create(text="   ", claimant=ClaimantFactory())
        assert err.value.field == "text"


@pytest.mark.django_db
class TestClaimUpdate:
    def test_it_edits_and_bumps_the_version(self):
        claim = ClaimFactory()
        updated = services.claim_update(claim_id=claim.pk, expected_version=1, text="New words.")
        assert (updated.text, updated.version) == ("New words.", 2)
        assert updated.history.count() >= 2

    def test_it_refuses_a_stale_edit_and_keeps_the_first(self):
        claim = ClaimFactory()
        services.claim_update(claim_id=claim.pk, expected_version=1, text="First editor.")
        with pytest.raises(services.StaleVersion):
            services.claim_update(claim_id=claim.pk, expected_version=1, text="Second editor.")
        claim.refresh_from_db()
        assert claim.text == "First editor."


@pytest.mark.django_db
class TestAppearancesAndEvidence:
    def test_adding_an_appearance_bumps_the_version(self):
        claim = ClaimFactory()
        services.appearance_add(claim=claim, article=ArticleFactory(), stance="disputes", quote="not so")
        claim.refresh_from_db()
        assert claim.version == 2

    def test_it_refuses_offsets_outside_the_text(self):
        article = ArticleFactory(text="short")
        with pytest.raises(services.ServiceError):
            services.appearance_add(claim=ClaimFactory(), article=article, start_offset=2, end_offset=99)

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/", "file:///etc/passwd"])
    def test_it_refuses_evidence_urls_that_are_not_web_addresses(self, url):
        with pytest.raises(services.ServiceError) as err:
            add_evidence(ClaimFactory(), url=url)
        assert err.value.field == "url"


@pytest.mark.django_db
class TestRelateAndMerge:
    def test_contradiction_is_stored_once_either_way_round(self):
        a, b = ClaimFactory(), ClaimFactory()
        services.claim_relate(from_claim=a, to_claim=b, kind="contradicts")
        services.claim_relate(from_claim=b, to_claim=a, kind="contradicts")
        assert ClaimRelation.objects.count() == 1

    def test_it_refuses_relating_a_claim_to_itself(self):
        a = ClaimFactory()
        with pytest.raises(services.ServiceError):
            services.claim_relate(from_claim=a, to_claim=a, kind="supports")

    def test_merge_moves_appearances_evidence_and_relations_and_keeps_history(self):
        target, source, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
        services.appearance_add(claim=source, article=ArticleFactory(), quote="q")
        add_evidence(source)
        services.claim_relate(from_claim=source, to_claim=third, kind="contradicts")
        services.claim_change_status(claim_id=source.pk, to_status="disputed", rationale="x")
        services.claim_merge(source_id=source.pk, target_id=target.pk)
        source.refresh_from_db()
        assert source.merged_into == target
        assert target.appearances.count() == 1 and target.evidence.count() == 1
        assert ClaimRelation.objects.filter(from_claim=target, to_claim=third, kind="contradicts").exists()
        assert ClaimRelation.objects.filter(from_claim=source, to_claim=target, kind="same_as").exists()
        assert source.status_changes.count() == 2
        with pytest.raises(services.InvalidTransition, match="merged"):
            services.claim_change_status(claim_id=source.pk, to_status="refuted", rationale="x")


@pytest.mark.django_db
class TestClaimants:
    def test_it_refuses_an_affiliation_loop(self):
        a = services.claimant_create(name="Ministry")
        b = services.claimant_create(name="Spokesman", affiliation=a)
        with pytest.raises(services.ServiceError, match="itself"):
            services.claimant_update(claimant_id=a.pk, expected_version=a.version, affiliation=b)

    def test_aliases_are_normalised_and_unique_per_claimant(self):
        c = services.claimant_create(name="Yevgeny Prigozhin", aliases=["Wagner’s boss", "WAGNER'S  BOSS"])
        assert sorted(c.aliases.values_list("normalized", flat=True)) == ["wagner's boss", "yevgeny prigozhin"]
