"""The team pages: the claim page's panel, My work, notifications, activity; fixed query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims_tracker.teamwork import selectors, services
from claims_tracker.teamwork.models import Activity, Assignment, Follow, Note, Notification, Verb
from claims_tracker.teamwork.selectors import PAGE_SIZE
from tests.factories import ClaimFactory, StoryFactory

pytestmark = pytest.mark.django_db


def _assign_many(count: int, *, to, by) -> list:
    claims = [ClaimFactory() for _ in range(count)]
    for claim in claims:
        services.claim_assign(claim_id=claim.pk, assignee_id=to.pk, user=by)
    return claims


class TestClaimPanel:
    def test_it_shows_the_assignee_and_the_notes(self, editor_client, editor, colleague, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        services.note_add(claim_id=claim.pk, user=editor, text="Ask the governor's office.")
        html = editor_client.get(reverse("desk-claim-edit", args=[claim.pk])).content.decode()
        assert re.search(r'data-testid="assignee">Assigned to <a [^>]+><strong>colleague</strong></a> by editor', html)
        assert "Ask the governor&#x27;s office." in html

    def test_it_assigns_and_lands_back_on_the_panel(self, editor_client, colleague, claim):
        url = reverse("teamwork-claim-assign", args=[claim.pk])
        response = editor_client.post(url, {"assign-assignee": colleague.pk})
        assert response.status_code == 302 and response["Location"].endswith(f"/desk/claims/{claim.pk}/#team")
        assert Assignment.objects.get(claim=claim).assignee == colleague

    @pytest.mark.parametrize("value", ["999999", "abc", "-1"])
    def test_it_refuses_an_assignee_not_on_the_list(self, editor_client, claim, value):
        response = editor_client.post(reverse("teamwork-claim-assign", args=[claim.pk]), {"assign-assignee": value})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_it_adds_a_note_and_keeps_a_refused_one_in_the_form(self, editor_client, claim):
        url = reverse("teamwork-claim-note-add", args=[claim.pk])
        assert editor_client.post(url, {"note-text": "Checked the video."}).status_code == 302
        response = editor_client.post(url, {"note-text": "x" * 4001})
        assert response.status_code == 400
        assert "x" * 4001 in response.content.decode()  # nothing typed is lost
        assert editor_client.post(url, {"note-text": "  "}).status_code == 400
        response = editor_client.post(url, {"note-text": "Fix.", "note-corrects": "abc"})
        assert response.status_code == 400
        response = editor_client.post(url, {"note-text": "Fix.", "note-corrects": "999999"})
        assert response.status_code == 400 and "not one of this claim" in response.content.decode()
        assert list(Note.objects.values_list("text", flat=True)) == ["Checked the video."]

    def test_a_correction_names_the_note_it_corrects(self, editor_client, editor, claim):
        first = services.note_add(claim_id=claim.pk, user=editor, text="Wrong town.")
        url = reverse("teamwork-claim-note-add", args=[claim.pk])
        editor_client.post(url, {"note-text": "It was Bakhmut.", "note-corrects": first.pk})
        html = editor_client.get(reverse("desk-claim-edit", args=[claim.pk])).content.decode()
        assert f'corrects <a href="#note-{first.pk}">#{first.pk}</a>' in html
        assert "corrected below" in html

    def test_follow_and_unfollow(self, editor_client, editor, claim):
        url = reverse("teamwork-claim-follow", args=[claim.pk])
        editor_client.post(url, {"action": "follow"})
        assert Follow.objects.filter(user=editor, claim=claim).exists()
        editor_client.post(url, {"action": "unfollow"})
        assert not Follow.objects.filter(user=editor).exists()
        response = editor_client.post(url, {"action": "explode"})
        assert response.status_code == 400 and "Choose to follow" in response.content.decode()

    def test_a_story_can_be_followed_from_its_desk_page(self, editor_client, editor):
        story = StoryFactory()
        page = editor_client.get(reverse("desk-story-edit", args=[story.pk])).content.decode()
        assert "Follow this story" in page
        editor_client.post(reverse("teamwork-story-follow", args=[story.pk]), {"action": "follow"})
        assert Follow.objects.filter(user=editor, story=story).exists()
        page = editor_client.get(reverse("desk-story-edit", args=[story.pk])).content.decode()
        assert "Following ✓" in page

    def test_the_claim_page_costs_the_same_with_many_notes(
        self, editor_client, editor, colleague, claim, django_assert_num_queries
    ):
        url = reverse("desk-claim-edit", args=[claim.pk])
        services.note_add(claim_id=claim.pk, user=editor, text="One.")
        with django_assert_num_queries(CLAIM_PAGE_QUERIES):
            editor_client.get(url)
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        for n in range(6):
            services.note_add(claim_id=claim.pk, user=colleague if n % 2 else editor, text=f"Note {n}.")
        with django_assert_num_queries(CLAIM_PAGE_QUERIES):
            editor_client.get(url)


class TestMyWork:
    def test_it_says_what_to_do_when_empty(self, editor_client):
        html = editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert "Nothing is assigned to you." in html and reverse("desk-claim-list") in html
        assert 'data-testid="my-work-count">0<' in html

    def test_it_lists_my_claims_only_at_a_fixed_cost(self, editor_client, editor, colleague, django_assert_num_queries):
        mine = _assign_many(1, to=editor, by=colleague)
        _assign_many(2, to=colleague, by=editor)
        with django_assert_num_queries(MY_WORK_QUERIES):
            html = editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert mine[0].text in html and 'data-testid="my-work-count">1<' in html
        mine += _assign_many(6, to=editor, by=colleague)
        with django_assert_num_queries(MY_WORK_QUERIES):
            html = editor_client.get(reverse("teamwork-my-work")).content.decode()
        assert all(c.text in html for c in mine) and 'data-testid="my-work-count">7<' in html

    def test_it_pages_with_the_keyset_paginator(self, editor_client, editor, colleague):
        claims = _assign_many(3, to=editor, by=colleague)
        first = selectors.my_work(editor, size=2)
        assert [a.claim_id for a in first.items] == [claims[2].pk, claims[1].pk] and first.next_cursor
        rest = selectors.my_work(editor, cursor=first.next_cursor, size=2)
        assert [a.claim_id for a in rest.items] == [claims[0].pk] and rest.next_cursor is None
        response = editor_client.get(reverse("teamwork-my-work"), {"after": "not-a-cursor"})
        assert response.status_code == 400 and "page link is not valid" in response.content.decode()

    def test_the_desk_claim_list_shows_the_assignee_at_a_fixed_cost(
        self, editor_client, editor, colleague, django_assert_num_queries
    ):
        _assign_many(1, to=colleague, by=editor)
        with django_assert_num_queries(CLAIM_LIST_QUERIES):
            editor_client.get(reverse("desk-claim-list"))
        _assign_many(5, to=colleague, by=editor)
        ClaimFactory()
        with django_assert_num_queries(CLAIM_LIST_QUERIES):
            html = editor_client.get(reverse("desk-claim-list")).content.decode()
        assert html.count("<td>colleague</td>") == 6


class TestNotifications:
    def test_it_lists_marks_read_and_counts_unread(self, editor_client, editor, colleague, django_assert_num_queries):
        _assign_many(3, to=editor, by=colleague)
        with django_assert_num_queries(NOTIFICATIONS_QUERIES):
            html = editor_client.get(reverse("teamwork-notifications")).content.decode()
        assert html.count('<span class="activity__what">assigned</span>') == 3
        assert html.count(f'href="{reverse("teamwork-activity", args=[colleague.pk])}">colleague</a>') == 3
        assert 'data-testid="unread-count">3<' in html
        first = Notification.objects.filter(user=editor).order_by("id").first()
        editor_client.post(reverse("teamwork-notifications-read"), {"ids": [first.pk]})
        assert Notification.objects.filter(user=editor, read_at__isnull=True).count() == 2
        response = editor_client.post(reverse("teamwork-notifications-read"))
        assert response.status_code == 302
        assert not Notification.objects.filter(user=editor, read_at__isnull=True).exists()
        html = editor_client.get(reverse("teamwork-notifications")).content.decode()
        assert 'data-testid="unread-count"' not in html

    def test_it_refuses_ids_that_are_not_numbers(self, editor_client):
        response = editor_client.post(reverse("teamwork-notifications-read"), {"ids": ["1; DROP", "2"]})
        assert response.status_code == 400 and "not ones this page listed" in response.content.decode()

    def test_it_says_what_to_do_when_empty(self, editor_client):
        html = editor_client.get(reverse("teamwork-notifications")).content.decode()
        assert "No notifications." in html and "Follow a claim" in html


class TestActivity:
    def test_it_pages_newest_first_with_the_keyset_paginator(
        self, editor_client, editor, colleague, claim, django_assert_num_queries
    ):
        for n in range(PAGE_SIZE + 3):
            services.activity_record(actor=colleague, verb=Verb.NOTE_ADDED, claim=claim, detail=f"row {n}")
        url = reverse("teamwork-activity", args=[colleague.pk])
        with django_assert_num_queries(ACTIVITY_QUERIES):
            response = editor_client.get(url)
        page = response.context["page"]
        assert [a.detail for a in page.items[:2]] == [f"row {PAGE_SIZE + 2}", f"row {PAGE_SIZE + 1}"]
        assert len(page.items) == PAGE_SIZE and page.next_cursor
        with django_assert_num_queries(ACTIVITY_QUERIES):
            older = editor_client.get(url, {"after": page.next_cursor}).context["page"]
        assert [a.detail for a in older.items] == ["row 2", "row 1", "row 0"] and older.next_cursor is None
        assert "← Newest" in editor_client.get(url, {"after": page.next_cursor}).content.decode()

    @pytest.mark.parametrize(
        "cursor",
        [
            "garbage",
            "e30",  # {}
            "eyJrIjoiY2xhaW1lZCIsInAiOlsxLDJdfQ",  # another list's cursor
            "eyJrIjoiYWN0aXZpdHkiLCJwIjpbIjIwMjQtMDEtMDFUMDA6MDA6MDAiLDFdfQ",  # a timestamp without a zone
            "eyJrIjoiYWN0aXZpdHkiLCJwIjpbIjIwMjQtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCIxIl19",  # an id as text
        ],
    )
    def test_it_refuses_a_cursor_it_did_not_issue(self, editor_client, editor, cursor):
        response = editor_client.get(reverse("teamwork-activity", args=[editor.pk]), {"after": cursor})
        assert response.status_code == 400 and "page link is not valid" in response.content.decode()

    def test_an_id_beyond_any_row_is_a_404(self, editor_client):
        assert editor_client.get(f"/desk/team/people/{10**30}/").status_code == 404
        assert editor_client.post(f"/desk/team/claims/{10**30}/notes/", {"note-text": "x"}).status_code == 404

    def test_it_says_so_when_there_is_nothing_yet(self, editor_client, editor, colleague):
        assert "Nothing yet." in editor_client.get(reverse("teamwork-activity", args=[editor.pk])).content.decode()
        html = editor_client.get(reverse("teamwork-activity", args=[colleague.pk])).content.decode()
        assert "colleague has not done anything on the desk yet." in html

    def test_it_shows_assignments_and_notes(self, editor_client, editor, colleague, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        services.note_add(claim_id=claim.pk, user=editor, text="Secret-ish working note.")
        html = editor_client.get(reverse("teamwork-activity", args=[editor.pk])).content.decode()
        assert "wrote a note on" in html and f"claim #{claim.pk}" in html and "to <a" in html
        assert Activity.objects.filter(actor=editor).count() == 2


# Measured once (a page's cost does not grow with its rows; the tests above check that).
CLAIM_PAGE_QUERIES = 25  # the claim suggestions are a plain read now
MY_WORK_QUERIES = 6
CLAIM_LIST_QUERIES = 8  # with the rows' outlet counts and dispute flags
NOTIFICATIONS_QUERIES = 7
ACTIVITY_QUERIES = 7
