"""The claim page: state, timeline, who says what, related claims, "as of", JSON-LD, query counts."""

from __future__ import annotations

import json
import re

import pytest

from claims_tracker.claims import services
from claims_tracker.claims.models import Stance
from tests.factories import ArticleFactory, ClaimFactory

from .conftest import add_appearances


def jsonld_of(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


@pytest.mark.django_db
class TestClaimDetail:
    def test_it_shows_state_timeline_and_who_says_what(self, client, mod_claim):
        response = client.get(mod_claim.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert mod_claim.text in html
        groups = {
            g.stance: [a.speaker.name if a.speaker else None for a in g.appearances] for g in response.context["groups"]
        }
        assert groups == {
            Stance.ASSERTS: ["Russian Ministry of Defence", "Igor Konashenkov"],
            Stance.DENIES: ["Ukrainian officials"],
            Stance.DISPUTES: ["Hanna Malyar"],
            Stance.REPORTS: [None],
        }
        # Newest change on top: confirmed, then disputed, then the logging.
        assert [c.to_status for c in response.context["changes"]] == ["confirmed", "disputed", "unverified"]
        assert html.index("Conceded by the other side") < html.index("Hanna Malyar said the battles")
        assert "Admission by the other side" in html
        # Each change lists the evidence it cites, and only that.
        confirmed, disputed, _ = response.context["changes"]
        assert [e.kind for e in confirmed.cited] == ["admission"] and disputed.cited == []
        stories = [(s.slug, s.title) for s in response.context["stories"]]
        assert stories == [("battle-for-soledar", "Battle for Soledar")]
        assert 'href="/stories/battle-for-soledar/"' in html
        related = {(r.label, r.claim.claimant.slug) for r in response.context["related"]}
        assert related == {("Contradicts", "hanna-malyar"), ("Follows up", "yevgeny-prigozhin")}

    def test_it_shows_the_inverse_relation_on_the_other_claim(self, client, demo):
        from claims_tracker.claims.models import Claim

        malyar = Claim.objects.get(claimant__slug="hanna-malyar")
        prigozhin = Claim.objects.get(claimant__slug="yevgeny-prigozhin")
        assert [r.label for r in client.get(malyar.get_absolute_url()).context["related"]] == ["Contradicts"]
        assert [r.label for r in client.get(prigozhin.get_absolute_url()).context["related"]] == ["Followed up by"]

    def test_it_shows_the_state_as_of_a_date(self, client, mod_claim):
        url = mod_claim.get_absolute_url()
        assert client.get(url, {"as_of": "2023-01-20"}).context["as_of_change"].to_status == "disputed"
        assert client.get(url, {"as_of": "2023-01-25"}).context["as_of_change"].to_status == "confirmed"
        assert client.get(url, {"as_of": "2023-01-13"}).context["as_of_change"].to_status == "disputed"
        before = client.get(url, {"as_of": "2023-01-01"})
        assert before.context["as_of_change"] is None
        assert "had not been made yet" in before.content.decode()
        bad = client.get(url, {"as_of": "last tuesday"})
        assert bad.status_code == 200
        assert "Enter the date as YYYY-MM-DD" in bad.content.decode()

    def test_it_embeds_a_claimreview_for_a_verdict_and_a_claim_while_open(self, client, mod_claim, demo):
        review = jsonld_of(client.get(mod_claim.get_absolute_url()).content.decode())
        assert review["@type"] == "ClaimReview"
        assert review["reviewRating"]["alternateName"] == "Confirmed"
        from claims_tracker.claims.models import Claim

        open_claim = Claim.objects.get(claimant__slug="pavlo-kyrylenko")
        plain = jsonld_of(client.get(open_claim.get_absolute_url()).content.decode())
        assert plain["@type"] == "Claim"
        assert plain["author"]["name"] == "Pavlo Kyrylenko"

    def test_it_escapes_ingested_text_everywhere(self, client, db):
        evil = "</script><script>alert('x')</script><b>bold</b>"
        claim = ClaimFactory(text=f"Town taken {evil}")
        services.appearance_add(claim=claim, article=ArticleFactory(title=evil), quote=evil, stance=Stance.DISPUTES)
        html = client.get(claim.get_absolute_url()).content.decode()
        assert "<script>alert" not in html
        assert "<b>bold</b>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
        data = jsonld_of(html)  # the JSON survived intact inside its script element
        assert data["text"] == f"Town taken {evil}"

    def test_it_answers_404_for_a_missing_claim_in_the_site_look(self, client, db):
        response = client.get("/claims/999999/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert 'class="site-header"' in response.content.decode()

    def test_it_rejects_post(self, client, mod_claim):
        assert client.post(mod_claim.get_absolute_url()).status_code == 405

    @pytest.mark.parametrize("n", [3, 300])
    def test_its_query_count_does_not_grow_with_appearances(self, client, db, django_assert_max_num_queries, n):
        claim = ClaimFactory()
        add_appearances(claim, n)
        # The claim with its stories, appearances and history (selectors/claim_page.py; it has no
        # evidence or relations to read), the as-of change; + the claim's versions and, cold, the
        # sync horizon (claims/caching.py).
        with django_assert_max_num_queries(4) as captured:
            response = client.get(claim.get_absolute_url(), {"as_of": "2030-01-01"})
        assert response.context["appearance_count"] == n
        assert len(captured) <= 4

    def test_evidence_and_relations_add_a_query_each(self, client, mod_claim, django_assert_num_queries, settings):
        settings.READER_PAGE_CACHE_SECONDS = 0
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 300
        client.get(mod_claim.get_absolute_url())  # the sync horizon, kept
        with django_assert_num_queries(4):  # the versions, the claim, its evidence, its relations
            client.get(mod_claim.get_absolute_url())

    def test_it_shows_who_set_the_state_the_affiliation_and_the_claim_it_was_merged_into(
        self, client, db, django_assert_num_queries, settings
    ):
        # The claim page's row is read by a written-out query (selectors/claim_page.py): each join
        # it makes shows on the page, and none is left for the template to fetch.
        from claims_tracker.claims.models import Claim
        from tests.factories import ClaimantFactory, UserFactory

        settings.READER_PAGE_CACHE_SECONDS = 0
        settings.API_SYNC_HORIZON_CACHE_SECONDS = 300
        editor = UserFactory(first_name="Edna", last_name="Krabappel")
        ministry = ClaimantFactory(name="Ministry of <Defence>")
        source = ClaimFactory(claimant=ClaimantFactory(role="Spokesman", affiliation=ministry))
        target = ClaimFactory(text="The town is held & calm")
        services.claim_change_status(claim_id=source.pk, to_status="disputed", rationale="Contested.", user=editor)
        services.claim_merge(source_id=source.pk, target_id=target.pk, user=editor)
        client.get(source.get_absolute_url())  # the sync horizon, kept
        with django_assert_num_queries(3):  # the versions, the claim, its relations (the merge's "same as")
            response = client.get(source.get_absolute_url())
        html = response.content.decode()
        assert "set by Edna Krabappel" in html
        assert f'was merged into <a href="{target.get_absolute_url()}">The town is held &amp; calm</a>' in html
        assert f'<a href="{ministry.get_absolute_url()}">Ministry of &lt;Defence&gt;</a>' in html
        assert "· Spokesman</span>" in html
        assert jsonld_of(html)["author"]["affiliation"]["name"] == "Ministry of <Defence>"
        claim = response.context["claim"]
        assert (claim.status_changed_by.username, claim.merged_into.pk) == (editor.username, target.pk)
        assert [(r.label, r.claim.pk) for r in response.context["related"]] == [("Same as", target.pk)]
        assert not Claim.objects.get(pk=source.pk).appearances.exists()

    def test_a_missing_claim_costs_the_versions_only(self, client, db, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):  # the versions (and, cold, the sync horizon)
            assert client.get("/claims/987654/").status_code == 404
