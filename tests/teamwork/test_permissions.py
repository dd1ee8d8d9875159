"""Who may see and do what on the team pages (the desk-wide matrix, anonymous, reader and wrong
method, is tests/desk/test_permissions.py). Decided: every editor and reviewer sees every assignment,
note and activity page; an editor assigns a claim nobody has, and changes an assignment that is
theirs (to them or by them); a colleague's assignment someone else made is the assignee's or a
reviewer's to change; notifications are one's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from claims_tracker.teamwork import services
from claims_tracker.teamwork.models import Assignment, Notification
from tests.desk.groups import make_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READ_PAGES = ["teamwork-my-work", "teamwork-notifications"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", groups=["editor"])


@pytest.fixture
def assigned(claim, anna, reviewer):
    """A claim a reviewer gave to Anna."""
    services.claim_assign(claim_id=claim.pk, assignee_id=anna.pk, user=reviewer)
    return claim


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_see_the_team_pages(role, request, anna):
    client = _client(request.getfixturevalue(role))
    for name in READ_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("teamwork-activity", args=[anna.pk])).status_code == 200


def test_a_reader_sees_no_team_links_on_the_pages_they_may_open(reader_client):
    response = reader_client.get(reverse("accounts-password-change"))
    assert response.status_code == 200 and 'class="desk-nav"' in response.content.decode()
    html = response.content.decode()
    assert reverse("teamwork-my-work") not in html and reverse("teamwork-notifications") not in html


class TestAnotherEditorsAssignment:
    def test_they_see_who_has_it(self, editor_client, assigned):
        html = editor_client.get(reverse("desk-claim-edit", args=[assigned.pk])).content.decode()
        assert "<strong>anna</strong></a> by reviewer" in html
        assert "anna" in editor_client.get(reverse("desk-claim-list")).content.decode()

    def test_they_cannot_take_it_or_drop_it(self, editor_client, editor, assigned, anna):
        url = reverse("teamwork-claim-assign", args=[assigned.pk])
        for value in (editor.pk, ""):
            response = editor_client.post(url, {"assign-assignee": value})
            assert response.status_code == 403
            assert "ask them or a reviewer to hand it over" in response.content.decode()
        assert Assignment.objects.get(claim=assigned).assignee == anna

    def test_the_assignee_and_a_reviewer_can_hand_it_on(self, reviewer_client, editor, assigned, anna):
        url = reverse("teamwork-claim-assign", args=[assigned.pk])
        assert _client(anna).post(url, {"assign-assignee": editor.pk}).status_code == 302
        assert reviewer_client.post(url, {"assign-assignee": anna.pk}).status_code == 302
        assert Assignment.objects.get(claim=assigned).assignee == anna

    def test_whoever_assigned_it_can_change_it(self, editor_client, editor, claim, anna, colleague):
        url = reverse("teamwork-claim-assign", args=[claim.pk])
        assert editor_client.post(url, {"assign-assignee": anna.pk}).status_code == 302
        assert editor_client.post(url, {"assign-assignee": colleague.pk}).status_code == 302
        assert Assignment.objects.get(claim=claim).assignee == colleague

    def test_their_my_work_and_notifications_stay_their_own(self, editor_client, assigned, anna):
        assert assigned.text not in editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert "Nothing is assigned to you." in editor_client.get(reverse("teamwork-my-work")).content.decode()
        theirs = Notification.objects.get(user=anna)
        assert "No notifications." in editor_client.get(reverse("teamwork-notifications")).content.decode()
        editor_client.post(reverse("teamwork-notifications-read"), {"ids": [theirs.pk]})
        theirs.refresh_from_db()
        assert theirs.read_at is None
        assert assigned.text in _client(anna).get(reverse("teamwork-my-work")).content.decode()

    def test_they_can_read_the_assignees_activity(self, editor_client, anna, assigned, reviewer):
        html = editor_client.get(reverse("teamwork-activity", args=[reviewer.pk])).content.decode()
        assert f"claim #{assigned.pk}" in html and "anna</a>" in html


@pytest.fixture
def assigned_group(mod, anna, reviewer):
    """A candidate group a reviewer gave to Anna to triage."""
    group = make_group(mod)
    services.triage_assign(group_id=group.pk, assignee_id=anna.pk, user=reviewer)
    return group


@pytest.fixture
def assigned_candidate(unmatched_candidate, anna, reviewer):
    """A lone candidate (in no group) a reviewer gave to Anna to triage."""
    services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=anna.pk, user=reviewer)
    return unmatched_candidate


class TestAnotherEditorsTriageAssignment:
    """The same rules for triage work as for a claim: an editor looking at Anna's group or candidate."""

    def test_they_see_who_has_it_on_the_page_and_in_the_queue(self, editor_client, assigned_group, assigned_candidate):
        for url in (
            reverse("desk-group", args=[assigned_group.pk]),
            reverse("desk-triage", args=[assigned_candidate.pk]),
        ):
            html = editor_client.get(url).content.decode()
            assert "<strong>anna</strong></a> by reviewer" in html, url
        html = editor_client.get(reverse("desk-home")).content.decode()
        assert html.count('title="assigned to triage">anna</span>') == 2

    def test_they_cannot_take_it_or_drop_it(self, editor_client, editor, assigned_group, assigned_candidate, anna):
        urls = [
            reverse("teamwork-group-assign", args=[assigned_group.pk]),
            reverse("teamwork-candidate-assign", args=[assigned_candidate.pk]),
        ]
        for url in urls:
            for value in (editor.pk, ""):
                response = editor_client.post(url, {"assign-assignee": value})
                assert response.status_code == 403, url
                assert "ask them or a reviewer to hand it over" in response.content.decode()
        assert set(Assignment.objects.values_list("assignee__username", flat=True)) == {"anna"}
        assert Assignment.objects.count() == 2

    def test_the_assignee_and_a_reviewer_can_hand_it_on(self, reviewer_client, editor, assigned_group, anna):
        url = reverse("teamwork-group-assign", args=[assigned_group.pk])
        assert _client(anna).post(url, {"assign-assignee": editor.pk}).status_code == 302
        assert reviewer_client.post(url, {"assign-assignee": anna.pk}).status_code == 302
        assert Assignment.objects.get(group=assigned_group).assignee == anna

    def test_their_my_work_stays_their_own(self, editor_client, assigned_group, assigned_candidate, anna):
        html = editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert "Nothing is assigned to you." in html and assigned_group.statement not in html
        html = _client(anna).get(reverse("teamwork-my-work")).content.decode()
        assert 'data-kind="group"' in html and 'data-kind="candidate"' in html

    def test_they_can_read_who_gave_it_out(self, editor_client, reviewer, assigned_group, assigned_candidate):
        html = editor_client.get(reverse("teamwork-activity", args=[reviewer.pk])).content.decode()
        assert f"candidate group #{assigned_group.pk}" in html and f"candidate #{assigned_candidate.pk}" in html
        assert "anna</a>" in html
