"""Triage work handed to an editor: a candidate group, or a lone candidate (one in no group, a group of one).

The service (teamwork.services.triage_assign), the panel on the group and triage pages, the queue's tags, My
work's mixed list (keyset paging, fixed queries with both kinds), the activity page, and the work leaving My
work once triaged, telling whoever assigned it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims_tracker.claims.services import NotAllowed, ServiceError, StateConflict
from claims_tracker.desk import group_services
from claims_tracker.desk import services as desk_services
from claims_tracker.ingest.models import Candidate, CandidateState
from claims_tracker.teamwork import selectors, services
from claims_tracker.teamwork.models import Activity, Assignment, Follow, Notification, Verb
from tests.desk.groups import QUOTES, make_group
from tests.factories import ClaimantFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(mod):
    return make_group(mod)


def _assign_group(group, *, to, by):
    return services.triage_assign(group_id=group.pk, assignee_id=to.pk, user=by)


class TestTriageAssignService:
    def test_a_group_is_assigned_recorded_and_the_assignee_notified(self, editor, colleague, group):
        assignment = _assign_group(group, to=colleague, by=editor)
        assert (assignment.group, assignment.assignee, assignment.assigned_by) == (group, colleague, editor)
        assert assignment.kind == "group" and assignment.claim is None
        activity = Activity.objects.get(actor=editor)
        assert (activity.verb, activity.group_id, activity.subject) == (Verb.ASSIGNED, group.pk, colleague)
        assert Notification.objects.get(user=colleague).activity == activity
        assert not Notification.objects.filter(user=editor).exists()

    def test_a_lone_candidate_is_assigned(self, editor, colleague, unmatched_candidate):
        assignment = services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=colleague.pk, user=editor)
        assert assignment.candidate == unmatched_candidate and assignment.kind == "candidate"
        activity = Activity.objects.get(verb=Verb.ASSIGNED)
        assert activity.candidate_id == unmatched_candidate.pk and activity.article_id == unmatched_candidate.article_id

    def test_a_candidate_in_a_group_is_assigned_with_its_group(self, editor, colleague, group):
        member = Candidate.objects.filter(group=group).first()
        with pytest.raises(ServiceError, match=f"one report of group #{group.pk}: assign the group"):
            services.triage_assign(candidate_id=member.pk, assignee_id=colleague.pk, user=editor)
        assert not Assignment.objects.exists() and not Activity.objects.exists()

    def test_triaged_work_cannot_be_assigned_but_can_be_dropped(self, editor, colleague, group, unmatched_candidate):
        _assign_group(group, to=colleague, by=editor)
        Candidate.objects.filter(group=group).update(state=CandidateState.REJECTED)
        Candidate.objects.filter(pk=unmatched_candidate.pk).update(state=CandidateState.ACCEPTED)
        with pytest.raises(StateConflict, match="already triaged"):
            _assign_group(group, to=editor, by=editor)
        with pytest.raises(StateConflict, match="already triaged"):
            services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=editor.pk, user=editor)
        assert Assignment.objects.get().assignee == colleague  # the refusal changed nothing
        assert services.triage_assign(group_id=group.pk, assignee_id=None, user=editor) is None
        assert not Assignment.objects.exists()

    def test_it_refuses_what_does_not_exist_and_a_non_editor(self, editor, group):
        for kwargs in ({"group_id": 999999}, {"candidate_id": 999999}, {}, {"group_id": group.pk, "candidate_id": 1}):
            with pytest.raises(ServiceError):
                services.triage_assign(assignee_id=editor.pk, user=editor, **kwargs)
        with pytest.raises(ServiceError) as caught:
            _assign_group(group, to=UserFactory(username="plainreader"), by=editor)
        assert caught.value.field == "assignee"
        assert not Assignment.objects.exists() and not Activity.objects.exists()

    def test_the_same_assignee_again_changes_nothing(self, editor, colleague, group):
        _assign_group(group, to=colleague, by=editor)
        _assign_group(group, to=colleague, by=editor)
        assert Activity.objects.count() == 1 and Notification.objects.count() == 1

    def test_another_editors_assignment_is_theirs_or_a_reviewers_to_change(self, editor, colleague, reviewer, group):
        _assign_group(group, to=colleague, by=reviewer)
        for assignee in (editor, None):
            with pytest.raises(NotAllowed, match="ask them or a reviewer"):
                services.triage_assign(group_id=group.pk, assignee_id=getattr(assignee, "pk", None), user=editor)
        _assign_group(group, to=editor, by=colleague)  # the assignee hands it on
        services.triage_assign(group_id=group.pk, assignee_id=None, user=reviewer)
        assert not Assignment.objects.exists()
        verbs = list(Activity.objects.order_by("id").values_list("verb", flat=True))
        assert verbs == [Verb.ASSIGNED, Verb.ASSIGNED, Verb.UNASSIGNED]


class TestTriagedWorkIsDone:
    def test_accepting_the_group_ends_the_assignment_and_tells_who_assigned_it(
        self, editor, colleague, group, mod, django_capture_on_commit_callbacks
    ):
        _assign_group(group, to=colleague, by=editor)
        assert [a.group_id for a in selectors.my_work(colleague).items] == [group.pk]
        with django_capture_on_commit_callbacks(execute=True):
            claim, members = group_services.group_accept(
                group_id=group.pk, user=colleague, text="Russia controls Soledar", claimant=mod
            )
        assert len(members) == len(QUOTES)
        assert not Assignment.objects.exists()
        assert selectors.my_work(colleague).items == []
        assert selectors.nav_counts(colleague).work == 0
        # Both follow the claim the group became, so both hear of its verdict.
        assert set(Follow.objects.filter(claim=claim).values_list("user__username", flat=True)) == {
            "editor",
            "colleague",
        }
        [told] = Notification.objects.filter(user=editor, activity__verb=Verb.CANDIDATE_ACCEPTED)
        assert told.activity.actor == colleague and told.activity.claim == claim
        # What the rest of the group's reports added to the claim reaches them as a follower's notifications.
        verbs = set(Notification.objects.filter(user=editor).values_list("activity__verb", flat=True))
        assert verbs <= {Verb.CANDIDATE_ACCEPTED, Verb.APPEARANCE_ADDED}

    def test_rejecting_the_last_member_alone_finishes_the_group(
        self, editor, colleague, group, django_capture_on_commit_callbacks
    ):
        _assign_group(group, to=colleague, by=editor)
        first, *rest = Candidate.objects.filter(group=group).order_by("id")
        with django_capture_on_commit_callbacks(execute=True):
            desk_services.candidate_reject(candidate_id=first.pk, user=colleague, reason="Not a claim")
        assert Assignment.objects.filter(group=group).exists()  # reports remain: still work
        assert selectors.nav_counts(colleague).work == 1
        with django_capture_on_commit_callbacks(execute=True):
            for member in rest:
                desk_services.candidate_reject(candidate_id=member.pk, user=colleague, reason="Not a claim")
        assert not Assignment.objects.exists()
        assert Notification.objects.filter(user=editor, activity__verb=Verb.CANDIDATE_REJECTED).count() == 1

    def test_a_lone_candidate_attached_leaves_my_work(
        self, editor, colleague, unmatched_candidate, django_capture_on_commit_callbacks
    ):
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=colleague.pk, user=editor)
        claim = ClaimFactory()
        with django_capture_on_commit_callbacks(execute=True):
            desk_services.candidate_attach(candidate_id=unmatched_candidate.pk, claim=claim, user=colleague)
        assert selectors.my_work(colleague).items == [] and not Assignment.objects.exists()
        assert Follow.objects.filter(claim=claim, user=editor).exists()

    def test_a_candidate_assigned_alone_then_grouped_ends_its_own_assignment(
        self, editor, colleague, group, unmatched_candidate, django_capture_on_commit_callbacks
    ):
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=colleague.pk, user=editor)
        Candidate.objects.filter(pk=unmatched_candidate.pk).update(group=group)  # grouping found a restatement
        with django_capture_on_commit_callbacks(execute=True):
            desk_services.candidate_reject(candidate_id=unmatched_candidate.pk, user=colleague, reason="Not a claim")
        assert not Assignment.objects.exists()
        assert Notification.objects.filter(user=editor, activity__verb=Verb.CANDIDATE_REJECTED).exists()

    def test_work_triaged_without_the_receiver_still_leaves_my_work(self, editor, colleague, group):
        """My work reads what is left to decide: an assignment whose work was finished some other way (a bulk
        fix in the shell, a receiver that failed) is not listed, nor counted."""
        _assign_group(group, to=colleague, by=editor)
        Candidate.objects.filter(group=group).update(state=CandidateState.REJECTED)
        assert Assignment.objects.exists()
        assert selectors.my_work(colleague).items == [] and selectors.nav_counts(colleague).work == 0


def _work_of_both_kinds(*, to, by, mod, groups: int, candidates: int, claims: int) -> list:
    """Assign groups, lone candidates and claims to `to`, interleaved; returns what was assigned, oldest first."""
    assigned = []
    for index in range(max(groups, candidates, claims)):
        if index < groups:
            assigned.append(_assign_group(make_group(mod if index % 2 else ClaimantFactory()), to=to, by=by))
        if index < candidates:
            lone = make_group(mod, size=1)
            candidate = Candidate.objects.get(group=lone)
            Candidate.objects.filter(pk=candidate.pk).update(group=None)
            assigned.append(services.triage_assign(candidate_id=candidate.pk, assignee_id=to.pk, user=by))
        if index < claims:
            assigned.append(services.claim_assign(claim_id=ClaimFactory().pk, assignee_id=to.pk, user=by))
    return assigned


class TestMyWorkWithBothKinds:
    def test_it_lists_groups_candidates_and_claims_at_a_fixed_cost(
        self, editor_client, editor, colleague, mod, django_assert_num_queries
    ):
        _work_of_both_kinds(to=editor, by=colleague, mod=mod, groups=1, candidates=1, claims=1)
        url = reverse("teamwork-my-work")
        with django_assert_num_queries(MY_WORK_WITH_GROUPS_QUERIES):
            html = editor_client.get(url).content.decode()
        assert html.count('data-kind="group"') == 1 and html.count('data-kind="candidate"') == 1
        assert html.count('data-kind="claim"') == 1 and 'data-testid="my-work-count">3<' in html
        _work_of_both_kinds(to=editor, by=colleague, mod=mod, groups=4, candidates=3, claims=2)
        with django_assert_num_queries(MY_WORK_WITH_GROUPS_QUERIES):
            html = editor_client.get(url).content.decode()
        assert html.count('data-kind="group"') == 5 and html.count('data-kind="candidate"') == 4
        assert 'data-testid="my-work-count">12<' in html
        assert f"{len(QUOTES)} reports to triage" in html and "reported by 3 outlets" in html
        assert "Triage a group" in html and "Triage a candidate" in html

    def test_it_pages_the_mixed_list_with_the_keyset_paginator(self, editor, colleague, mod):
        assigned = _work_of_both_kinds(to=editor, by=colleague, mod=mod, groups=2, candidates=2, claims=1)
        newest_first = [a.pk for a in reversed(assigned)]
        seen, cursor = [], None
        while True:
            page = selectors.my_work(editor, cursor=cursor, size=2)
            seen += [a.pk for a in page.items]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert seen == newest_first

    def test_each_row_links_to_where_the_work_is_done(
        self, editor_client, editor, colleague, group, unmatched_candidate
    ):
        _assign_group(group, to=editor, by=colleague)
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=editor.pk, user=colleague)
        html = editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert reverse("desk-group", args=[group.pk]) in html
        assert reverse("desk-triage", args=[unmatched_candidate.pk]) in html
        assert "by colleague" in html


class TestGroupPagePanel:
    def test_it_says_nobody_has_it_and_assigns_from_the_page(self, editor_client, colleague, group):
        url = reverse("desk-group", args=[group.pk])
        html = editor_client.get(url).content.decode()
        assert "Nobody has this group yet" in html and reverse("teamwork-group-assign", args=[group.pk]) in html
        response = editor_client.post(
            reverse("teamwork-group-assign", args=[group.pk]), {"assign-assignee": colleague.pk}
        )
        assert response.status_code == 302 and response["Location"].endswith(f"/desk/groups/{group.pk}/#team")
        html = editor_client.get(url).content.decode()
        assert f"Group #{group.pk} is assigned to colleague to triage; they are notified." in html
        assert re.search(
            r'data-testid="triage-assignee">Assigned to <a [^>]+><strong>colleague</strong></a> by editor', html
        )
        assert ">Reassign<" in html

    @pytest.mark.parametrize("value", ["999999", "abc", "-1"])
    def test_it_refuses_an_assignee_not_on_the_list_on_the_page(self, editor_client, group, value):
        response = editor_client.post(reverse("teamwork-group-assign", args=[group.pk]), {"assign-assignee": value})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Select a valid choice" in html and f"Accept {len(QUOTES)} reports" in html  # the page, not a dead end
        assert not Assignment.objects.exists()

    def test_a_triaged_group_answers_409_with_the_reason(self, editor_client, colleague, group):
        Candidate.objects.filter(group=group).update(state=CandidateState.REJECTED)
        response = editor_client.post(
            reverse("teamwork-group-assign", args=[group.pk]), {"assign-assignee": colleague.pk}
        )
        assert response.status_code == 409
        assert "already triaged: there is nothing left in it to assign" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_the_queue_row_names_who_has_it(self, editor_client, editor, colleague, group):
        _assign_group(group, to=colleague, by=editor)
        html = editor_client.get(reverse("desk-home")).content.decode()
        row = html[html.index(f'data-group="{group.pk}"') :]
        assert (
            '<span class="tag tag--assignee" title="assigned to triage">colleague</span>' in row[: row.index("</li>")]
        )

    def test_the_page_costs_the_same_assigned_or_not(
        self, editor_client, editor, colleague, group, django_assert_num_queries
    ):
        url = reverse("desk-group", args=[group.pk])
        editor_client.get(url)
        with django_assert_num_queries(GROUP_PAGE_QUERIES):
            editor_client.get(url)
        _assign_group(group, to=colleague, by=editor)
        with django_assert_num_queries(GROUP_PAGE_QUERIES):
            editor_client.get(url)


class TestTriagePagePanel:
    def test_a_lone_candidate_is_assigned_from_its_triage_page(self, editor_client, colleague, unmatched_candidate):
        url = reverse("desk-triage", args=[unmatched_candidate.pk])
        html = editor_client.get(url).content.decode()
        assert "Nobody has this candidate yet" in html
        assign = reverse("teamwork-candidate-assign", args=[unmatched_candidate.pk])
        response = editor_client.post(assign, {"assign-assignee": colleague.pk})
        assert response.status_code == 302 and response["Location"].endswith(f"{url}#team")
        assert Assignment.objects.get().candidate == unmatched_candidate
        html = editor_client.get(reverse("desk-home")).content.decode()
        assert '<span class="tag tag--assignee" title="assigned to triage">colleague</span>' in html

    def test_a_grouped_candidates_page_assigns_its_group(self, editor_client, colleague, group):
        member = Candidate.objects.filter(group=group).first()
        html = editor_client.get(reverse("desk-triage", args=[member.pk])).content.decode()
        assert reverse("teamwork-group-assign", args=[group.pk]) in html
        assert reverse("teamwork-candidate-assign", args=[member.pk]) not in html
        # An old form naming the member lands on the group's panel, assigning nothing.
        response = editor_client.post(
            reverse("teamwork-candidate-assign", args=[member.pk]), {"assign-assignee": colleague.pk}
        )
        assert response.status_code == 302 and response["Location"].endswith(f"/desk/groups/{group.pk}/#team")
        assert not Assignment.objects.exists()

    def test_a_triaged_candidates_page_offers_no_assignment(self, editor_client, unmatched_candidate):
        Candidate.objects.filter(pk=unmatched_candidate.pk).update(state=CandidateState.REJECTED)
        html = editor_client.get(reverse("desk-triage", args=[unmatched_candidate.pk])).content.decode()
        assert "Triaged: nothing left to assign." in html
        assert reverse("teamwork-candidate-assign", args=[unmatched_candidate.pk]) not in html


class TestReportPage:
    def test_each_untriaged_candidate_names_who_has_it(
        self, editor_client, editor, colleague, candidate, unmatched_candidate, django_assert_num_queries
    ):
        url = reverse("desk-report", args=[candidate.article_id])
        editor_client.get(url)
        with django_assert_num_queries(REPORT_PAGE_QUERIES):
            html = editor_client.get(url).content.decode()
        assert "tag--assignee" not in html
        group = make_group(candidate.claimant, size=1)
        Candidate.objects.filter(pk=candidate.pk).update(group=group)
        _assign_group(group, to=colleague, by=editor)
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=editor.pk, user=colleague)
        with django_assert_num_queries(REPORT_PAGE_QUERIES):
            html = editor_client.get(url).content.decode()
        assert 'title="assigned to triage, with its group">colleague</span>' in html
        assert 'title="assigned to triage">editor</span>' in html


class TestActivityPage:
    def test_it_shows_group_and_candidate_assignments(
        self, editor_client, editor, colleague, group, unmatched_candidate
    ):
        _assign_group(group, to=colleague, by=editor)
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=colleague.pk, user=editor)
        services.triage_assign(candidate_id=unmatched_candidate.pk, assignee_id=None, user=editor)
        html = editor_client.get(reverse("teamwork-activity", args=[editor.pk])).content.decode()
        assert f'<a href="{reverse("desk-group", args=[group.pk])}">candidate group #{group.pk}</a>' in html
        assert f">candidate #{unmatched_candidate.pk}</a>" in html
        assert "unassigned" in html and html.count(">colleague</a>") == 3
        # And the assignee's notification says what they were given.
        notes = _client_for(colleague).get(reverse("teamwork-notifications")).content.decode()
        assert f"candidate group #{group.pk}" in notes and f"candidate #{unmatched_candidate.pk}" in notes


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


MY_WORK_WITH_GROUPS_QUERIES = 7  # session, user, nav counts, the page, groups' untriaged members, ...
REPORT_PAGE_QUERIES = 11  # the same whoever has the candidates
GROUP_PAGE_QUERIES = 11  # the group, its members, the editors to choose from, matches, session, nav
