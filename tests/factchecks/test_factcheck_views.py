"""The desk's fact-checks: list, one-click accept (Evidence + the suggested state change), dismiss."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from claims_tracker.claims.models import Evidence, EvidenceKind, Status
from claims_tracker.factchecks import services
from claims_tracker.factchecks.models import FactCheck, FactCheckState
from claims_tracker.ingest.claimreview import Review
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def claim():
    return ClaimFactory(text="Russian forces control Soledar")


@pytest.fixture
def factcheck(claim):
    review = Review(
        reviewer="Example Fact Check",
        rating_name="False",
        rating_value="1",
        best_rating="5",
        worst_rating="1",
        claim_reviewed="Russian forces control Soledar",
        claim_author="Russia's Defense Ministry",
        url="https://factcheck.example/soledar",
    )
    services.factchecks_store([review], article_id=ArticleFactory().pk)
    return FactCheck.objects.get()


class TestFactCheckList:
    def test_it_lists_new_fact_checks_with_their_match_and_suggested_state(self, editor_client, factcheck, claim):
        html = editor_client.get(reverse("factchecks-list")).content.decode()
        assert "Example Fact Check" in html and "1 on 1–5" in html and "by Russia&#x27;s Defense Ministry" in html
        assert f'<option value="{claim.pk}">#{claim.pk} Russian forces control Soledar</option>' in html
        assert '<option value="contradicts" selected>' in html and "Refuted" in html

    def test_its_queries_do_not_grow_with_rows(self, editor_client, factcheck, django_assert_max_num_queries):
        editor_client.get(reverse("factchecks-list"))
        with django_assert_max_num_queries(8):
            editor_client.get(reverse("factchecks-list"))
        for n in range(5):
            services.factchecks_store([Review(claim_reviewed=f"Soledar claim {n}", rating_name="True")])
        with django_assert_max_num_queries(8):
            assert editor_client.get(reverse("factchecks-list")).content.decode().count("Accept as evidence") == 6

    def test_the_report_page_shows_it_beside_the_candidates(self, editor_client, factcheck):
        html = editor_client.get(reverse("desk-report", args=[factcheck.article_id])).content.decode()
        assert "Fact-check found" in html and "Example Fact Check rated" in html

    def test_empty_state(self, editor_client):
        assert "No new fact-checks" in editor_client.get(reverse("factchecks-list")).content.decode()

    def test_it_requires_an_editor(self, client, factcheck):
        assert client.get(reverse("factchecks-list")).status_code == 302
        reader = Client()
        reader.force_login(UserFactory(username="reader"))
        assert reader.get(reverse("factchecks-list")).status_code == 403
        assert reader.post(reverse("factchecks-accept", args=[factcheck.pk]), {"claim": 1}).status_code == 403
        assert not Evidence.objects.exists()

    def test_wrong_methods(self, editor_client, factcheck):
        assert editor_client.post(reverse("factchecks-list")).status_code == 405
        assert editor_client.get(reverse("factchecks-accept", args=[factcheck.pk])).status_code == 405


class TestFactCheckAccept:
    def test_one_click_makes_evidence_and_offers_the_state_change(self, editor_client, factcheck, claim):
        response = editor_client.post(reverse("factchecks-accept", args=[factcheck.pk]), {"claim": claim.pk})
        evidence = Evidence.objects.get(claim=claim)
        assert evidence.kind == EvidenceKind.FACT_CHECK and evidence.stance == "contradicts"
        target = urlsplit(response["Location"])
        assert target.path == reverse("desk-claim-status", args=[claim.pk])
        query = parse_qs(target.query)
        assert query["to"] == [Status.REFUTED] and query["evidence"] == [str(evidence.pk)]
        page = editor_client.get(response["Location"]).content.decode()
        assert re.search(rf'<input type="checkbox" name="evidence" value="{evidence.pk}"[^>]* checked>', page)
        assert re.search(r'<input type="radio" name="to_status" value="refuted"[^>]* checked>', page)
        assert "Example Fact Check rated it “False” (1 on 1–5)." in page
        claim.refresh_from_db()
        assert claim.status == Status.UNVERIFIED  # suggested, not changed: the editor confirms

    @pytest.mark.parametrize("posted", [{}, {"claim": "x"}, {"claim": "999999"}, {"claim": "1", "stance": "maybe"}])
    def test_bad_input_is_refused_with_a_message_and_nothing_stored(self, editor_client, factcheck, posted):
        response = editor_client.post(reverse("factchecks-accept", args=[factcheck.pk]), posted, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
        assert not Evidence.objects.exists() and FactCheck.objects.get().state == FactCheckState.NEW

    def test_an_unknown_fact_check_is_refused(self, editor_client, claim):
        response = editor_client.post(reverse("factchecks-accept", args=[424242]), {"claim": claim.pk}, follow=True)
        assert "gone" in str(list(response.context["messages"])[0]) and not Evidence.objects.exists()

    def test_dismiss(self, editor_client, factcheck):
        editor_client.post(reverse("factchecks-dismiss", args=[factcheck.pk]))
        assert FactCheck.objects.get().state == FactCheckState.DISMISSED
        response = editor_client.post(reverse("factchecks-dismiss", args=[factcheck.pk]), follow=True)
        assert "already decided" in " ".join(str(m) for m in response.context["messages"])
