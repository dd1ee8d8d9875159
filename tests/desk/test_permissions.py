"""Every desk page: anonymous → login page, reader → 403, wrong method → 405, no CSRF → 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from claims_tracker.ingest.models import BearingSuggestion, Candidate, CandidateGroup
from tests.factories import ClaimantFactory, ClaimFactory, OutletFactory, StoryFactory, UserFactory


@pytest.fixture
def objects(db, candidate, unmatched_candidate):
    claim = ClaimFactory()
    group = CandidateGroup.objects.create(claimant=candidate.claimant, statement=candidate.statement)
    Candidate.objects.filter(pk=candidate.pk).update(group=group)
    bearing = BearingSuggestion.objects.create(candidate=candidate, claim=claim, stance="supports")
    return {
        "group": group.pk,
        "bearing": bearing.pk,
        "claim": claim.pk,
        "candidate": candidate.pk,
        "lone": unmatched_candidate.pk,  # a candidate in no group: assigned on its own
        "article": candidate.article_id,
        "claimant": ClaimantFactory().pk,
        "story": StoryFactory().pk,
        "outlet": OutletFactory().pk,
        "person": UserFactory(username="somebody", groups=["editor"]).pk,
    }


# (url name, kwargs key, methods the view accepts)
PAGES = [
    ("desk-home", None, {"GET"}),
    ("desk-report-add", None, {"GET", "POST"}),
    ("desk-report", "article", {"GET"}),
    ("desk-report-progress", "article", {"GET"}),
    ("desk-triage-next", None, {"GET"}),
    ("desk-triage", "candidate", {"GET"}),
    ("desk-triage-accept", "candidate", {"POST"}),
    ("desk-triage-attach", "candidate", {"POST"}),
    ("desk-triage-reject", "candidate", {"POST"}),
    ("desk-group", "group", {"GET"}),
    ("desk-group-accept", "group", {"POST"}),
    ("desk-group-attach", "group", {"POST"}),
    ("desk-bearing-accept", "bearing", {"POST"}),
    ("desk-bearing-dismiss", "bearing", {"POST"}),
    ("desk-claim-list", None, {"GET"}),
    ("desk-claim-create", None, {"GET", "POST"}),
    ("desk-claim-edit", "claim", {"GET", "POST"}),
    ("desk-claim-relate", "claim", {"POST"}),
    ("desk-claim-appearance-add", "claim", {"POST"}),
    ("desk-claim-evidence-add", "claim", {"POST"}),
    ("desk-claim-status", "claim", {"GET", "POST"}),
    ("desk-claim-merge", "claim", {"GET", "POST"}),
    ("desk-claimant-list", None, {"GET"}),
    ("desk-claimant-create", None, {"GET", "POST"}),
    ("desk-claimant-lookup", None, {"GET"}),
    ("desk-claimant-edit", "claimant", {"GET", "POST"}),
    ("desk-story-list", None, {"GET"}),
    ("desk-story-create", None, {"GET", "POST"}),
    ("desk-story-edit", "story", {"GET", "POST"}),
    ("desk-outlet-list", None, {"GET"}),
    ("desk-outlet-create", None, {"GET", "POST"}),
    ("desk-outlet-edit", "outlet", {"GET", "POST"}),
    # Team work (claims_tracker/teamwork); who may change whose assignment: tests/teamwork/test_permissions.py
    ("teamwork-my-work", None, {"GET"}),
    ("teamwork-notifications", None, {"GET"}),
    ("teamwork-notifications-read", None, {"POST"}),
    ("teamwork-digest", None, {"POST"}),
    ("teamwork-activity", "person", {"GET"}),
    ("teamwork-claim-assign", "claim", {"POST"}),
    ("teamwork-claim-note-add", "claim", {"POST"}),
    ("teamwork-claim-follow", "claim", {"POST"}),
    ("teamwork-story-follow", "story", {"POST"}),
    ("teamwork-group-assign", "group", {"POST"}),
    ("teamwork-candidate-assign", "lone", {"POST"}),
]


def _url(name, key, objects):
    return reverse(name, args=[objects[key]] if key else [])


def _call(client, method, url):
    return getattr(client, method.lower())(url)


@pytest.mark.parametrize(("name", "key", "methods"), PAGES, ids=[p[0] for p in PAGES])
class TestDeskPermissions:
    def test_it_sends_anonymous_readers_to_the_login_page(self, client, objects, name, key, methods):
        url = _url(name, key, objects)
        for method in methods:
            response = _call(client, method, url)
            assert response.status_code == 302, method
            assert response["Location"].startswith(reverse("accounts-login") + "?next=")

    def test_it_refuses_a_signed_in_reader(self, reader_client, objects, name, key, methods):
        url = _url(name, key, objects)
        for method in methods:
            response = _call(reader_client, method, url)
            assert response.status_code == 403, method
            assert "Editors only" in response.content.decode()

    def test_it_rejects_the_wrong_method(self, editor_client, objects, name, key, methods):
        url = _url(name, key, objects)
        for method in {"GET", "POST", "PUT", "DELETE"} - methods:
            assert _call(editor_client, method, url).status_code == 405, method


WRITES = [p for p in PAGES if "POST" in p[2]]


@pytest.mark.parametrize(("name", "key", "methods"), WRITES, ids=[p[0] for p in WRITES])
def test_it_refuses_a_post_without_csrf_token(editor, objects, name, key, methods):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(_url(name, key, objects), {})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_it_answers_404_for_a_missing_object(editor_client, db):
    names = ("desk-claim-edit", "desk-triage", "desk-report", "desk-claimant-edit", "desk-story-edit", "desk-group")
    for name in names:
        assert editor_client.get(reverse(name, args=[999999])).status_code == 404, name
    assert editor_client.get(reverse("teamwork-activity", args=[999999])).status_code == 404
    for name in (
        "teamwork-claim-assign",
        "teamwork-claim-note-add",
        "teamwork-claim-follow",
        "teamwork-story-follow",
        "teamwork-group-assign",
        "teamwork-candidate-assign",
    ):
        assert editor_client.post(reverse(name, args=[999999]), {}).status_code == 404, name
