"""Candidate groups through the API: `?group=`, each candidate's `group`, accept and attach on a group."""

from __future__ import annotations

import pytest

from claims_tracker.claims.models import Appearance, Claim
from claims_tracker.ingest.models import Candidate, CandidateState
from tests.desk.groups import QUOTES, make_group
from tests.factories import ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod():
    return ClaimantFactory(name="Russian Defense Ministry", slug="russian-defense-ministry", kind="government")


@pytest.fixture
def group(mod):
    return make_group(mod)


class TestCandidateListByGroup:
    def test_it_lists_the_groups_members_from_every_report(self, editor_api, group, mod):
        make_group(mod)  # another group, not listed
        response = editor_api.get(f"/api/v1/candidates/?group={group.pk}")
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        members = set(Candidate.objects.filter(group=group).values_list("pk", "article_id"))
        assert {(r["id"], r["article"]) for r in results} == members and len(members) == len(QUOTES)
        assert {r["group"] for r in results} == {group.pk}

    def test_group_and_article_and_state_combine(self, editor_api, group):
        member = Candidate.objects.filter(group=group).first()
        url = f"/api/v1/candidates/?group={group.pk}&article={member.article_id}&state=new"
        assert [r["id"] for r in editor_api.get(url).json()["results"]] == [member.pk]
        url = f"/api/v1/candidates/?group={group.pk}&state=rejected"
        assert editor_api.get(url).json()["results"] == []

    def test_an_ungrouped_candidate_says_so(self, editor_api, candidate_alone):
        results = editor_api.get(f"/api/v1/candidates/?article={candidate_alone.article_id}").json()["results"]
        assert [r["group"] for r in results] == [None]

    @pytest.mark.parametrize("query", ["?group=", "?group=0", "?group=x", "?group=99999999999999999999", "?group=1.5"])
    def test_bad_or_missing_filters_are_a_400_in_the_api_shape(self, editor_api, query):
        response = editor_api.get(f"/api/v1/candidates/{query}")
        assert response.status_code == 400
        assert response.json()["error"]["fields"]

    def test_without_article_or_group_it_lists_the_newest(self, editor_api, group, candidate_alone):
        results = editor_api.get("/api/v1/candidates/?state=new").json()["results"]
        assert [r["id"] for r in results] == list(
            Candidate.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
        )
        assert results[0]["id"] == candidate_alone.pk

    def test_an_unknown_group_lists_nothing(self, editor_api, db):
        assert editor_api.get("/api/v1/candidates/?group=999999").json()["results"] == []


@pytest.fixture
def candidate_alone(mod):
    group = make_group(mod, size=1)
    Candidate.objects.filter(group=group).update(group=None)
    return Candidate.objects.get(article__candidates__isnull=False, group__isnull=True)


class TestCandidateGroupDecisions:
    def test_accept_makes_one_claim_with_an_appearance_per_report(self, editor_api, group, mod):
        body = {"text": "Russian forces control Soledar.", "claimant": mod.slug}
        response = editor_api.post(f"/api/v1/candidate-groups/{group.pk}/accept", body, format="json")
        assert response.status_code == 201, response.content
        claim = Claim.objects.get()
        results = response.json()["results"]
        assert {r["claim"] for r in results} == {claim.pk}
        assert {r["state"] for r in results} == {CandidateState.ACCEPTED, CandidateState.MERGED}
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)

    def test_attach_adds_each_report_to_the_claim(self, editor_api, group):
        claim = ClaimFactory()
        response = editor_api.post(f"/api/v1/candidate-groups/{group.pk}/attach", {"claim": claim.pk}, format="json")
        assert response.status_code == 201, response.content
        assert {r["state"] for r in response.json()["results"]} == {CandidateState.MERGED}
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)

    def test_a_second_decision_gets_the_desks_message_and_writes_nothing(self, editor_api, group):
        claim = ClaimFactory()
        editor_api.post(f"/api/v1/candidate-groups/{group.pk}/attach", {"claim": claim.pk}, format="json")
        again = editor_api.post(f"/api/v1/candidate-groups/{group.pk}/attach", {"claim": claim.pk}, format="json")
        assert again.status_code == 409  # refused for the group's state, as a triaged candidate is
        assert "already triaged" in again.json()["error"]["message"]
        assert Appearance.objects.filter(claim=claim).count() == len(QUOTES)

    @pytest.mark.parametrize(
        ("action", "body", "field", "status"),
        [
            ("accept", {"text": "Soledar.", "claimant": None, "new_claimant_name": " "}, "claimant", 400),
            ("accept", {"text": "Soledar.", "claimant": "nobody-at-all"}, "claimant", 404),  # a row named, missing
            ("accept", {"text": "", "claimant": "russian-defense-ministry"}, "text", 400),
            (
                "accept",
                {"text": "Soledar.", "claimant": "russian-defense-ministry", "stories": ["none"]},
                "stories",
                404,
            ),
            ("attach", {"claim": 999_999_999}, "claim", 404),
            ("attach", {"claim": "x"}, "claim", 400),
            ("attach", {}, "claim", 400),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(self, editor_api, group, action, body, field, status):
        response = editor_api.post(f"/api/v1/candidate-groups/{group.pk}/{action}", body, format="json")
        assert response.status_code == status, response.content
        assert field in response.json()["error"]["fields"], response.json()
        assert not Claim.objects.exists() and not Appearance.objects.exists()
        assert set(Candidate.objects.filter(group=group).values_list("state", flat=True)) == {CandidateState.NEW}

    def test_unknown_groups_non_objects_and_roles(self, api, editor_api, reader_api, group):
        assert (
            editor_api.post("/api/v1/candidate-groups/999999999/attach", {"claim": 1}, format="json").status_code == 404
        )
        assert editor_api.post(f"/api/v1/candidate-groups/{group.pk}/attach", [1], format="json").status_code == 400
        assert api.post(f"/api/v1/candidate-groups/{group.pk}/attach", {"claim": 1}, format="json").status_code == 401
        reader = reader_api.post(f"/api/v1/candidate-groups/{group.pk}/attach", {"claim": 1}, format="json")
        assert reader.status_code == 403
        assert api.get(f"/api/v1/candidates/?group={group.pk}").status_code == 401
        assert reader_api.get(f"/api/v1/candidates/?group={group.pk}").status_code == 403
        assert set(Candidate.objects.filter(group=group).values_list("state", flat=True)) == {CandidateState.NEW}

    def test_the_schema_lists_the_group_endpoints_and_filter(self, api):
        schema = api.get("/api/schema/?format=json").json()
        paths = schema["paths"]
        assert "/api/v1/candidate-groups/{id}/accept" in paths and "/api/v1/candidate-groups/{id}/attach" in paths
        names = {p["name"] for p in paths["/api/v1/candidates/"]["get"]["parameters"]}
        assert {"article", "group", "state"} <= names
        assert "group" in schema["components"]["schemas"]["CandidateOutput"]["properties"]
