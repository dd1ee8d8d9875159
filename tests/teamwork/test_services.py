"""teamwork.services: assignments, append-only notes, follows, activity and notifications."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from claims_tracker.claims import services as claim_services
from claims_tracker.claims.models import AppendOnlyError, Status
from claims_tracker.claims.services import NotAllowed, ServiceError
from claims_tracker.desk import services as desk_services
from claims_tracker.teamwork import services
from claims_tracker.teamwork.models import Activity, Assignment, Follow, Note, Notification, Verb
from tests.factories import ArticleFactory, ClaimFactory, StoryFactory, UserFactory, add_evidence

pytestmark = pytest.mark.django_db


def _verbs(user) -> list[str]:
    return list(Activity.objects.filter(actor=user).order_by("id").values_list("verb", flat=True))


class TestClaimAssign:
    def test_it_assigns_records_and_notifies_the_assignee(self, editor, colleague, claim):
        assignment = services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        assert (assignment.assignee, assignment.assigned_by) == (colleague, editor)
        assert _verbs(editor) == [Verb.ASSIGNED]
        [note] = Notification.objects.filter(user=colleague)
        assert note.activity.subject == colleague and note.activity.claim == claim
        assert not Notification.objects.filter(user=editor).exists()  # never the actor
        assert Follow.objects.filter(user=colleague, claim=claim).exists()  # the assignee hears what follows

    def test_the_same_assignee_again_changes_nothing(self, editor, colleague, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        assert Activity.objects.count() == 1 and Notification.objects.count() == 1

    def test_it_reassigns_and_unassigns(self, editor, colleague, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        services.claim_assign(claim_id=claim.pk, assignee_id=editor.pk, user=editor)
        assert Assignment.objects.get(claim=claim).assignee == editor
        assert services.claim_assign(claim_id=claim.pk, assignee_id=None, user=editor) is None
        assert not Assignment.objects.filter(claim=claim).exists()
        assert _verbs(editor) == [Verb.ASSIGNED, Verb.ASSIGNED, Verb.UNASSIGNED]

    def test_it_refuses_a_reader_or_an_unknown_user_as_assignee(self, editor, claim):
        reader = UserFactory(username="plainreader")
        for assignee_id in (reader.pk, 999999):
            with pytest.raises(ServiceError) as caught:
                services.claim_assign(claim_id=claim.pk, assignee_id=assignee_id, user=editor)
            assert caught.value.field == "assignee"
        assert not Assignment.objects.exists() and not Activity.objects.exists()

    def test_a_colleague_cannot_take_over_an_assignment_someone_else_made(self, editor, colleague, reviewer, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=reviewer)
        with pytest.raises(NotAllowed, match="colleague's|ask them or a reviewer"):
            services.claim_assign(claim_id=claim.pk, assignee_id=editor.pk, user=editor)
        with pytest.raises(NotAllowed):
            services.claim_assign(claim_id=claim.pk, assignee_id=None, user=editor)
        assert Assignment.objects.get(claim=claim).assignee == colleague
        # The assignee hands it on; a reviewer may too.
        services.claim_assign(claim_id=claim.pk, assignee_id=editor.pk, user=colleague)
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=reviewer)
        assert Assignment.objects.get(claim=claim).assignee == colleague

    def test_it_refuses_a_merged_claim(self, editor, colleague):
        source, target = ClaimFactory(), ClaimFactory()
        claim_services.claim_merge(source_id=source.pk, target_id=target.pk, user=editor)
        with pytest.raises(ServiceError, match=f"merged into #{target.pk}"):
            services.claim_assign(claim_id=source.pk, assignee_id=colleague.pk, user=editor)


class TestNoteAdd:
    def test_it_appends_a_note_and_records_it(self, editor, claim):
        note = services.note_add(claim_id=claim.pk, user=editor, text="  Called the ministry.  ")
        assert note.text == "Called the ministry." and note.author == editor
        [activity] = Activity.objects.all()
        assert activity.verb == Verb.NOTE_ADDED and "Called" not in activity.detail

    @pytest.mark.parametrize("text", ["", "   \n  ", "x" * 4001])
    def test_it_refuses_empty_or_overlong_text(self, editor, claim, text):
        with pytest.raises(ServiceError) as caught:
            services.note_add(claim_id=claim.pk, user=editor, text=text)
        assert caught.value.field == "text"
        assert not Note.objects.exists()

    def test_a_correction_is_a_new_note_of_the_same_claim(self, editor, claim):
        first = services.note_add(claim_id=claim.pk, user=editor, text="The mayor said 500 remain.")
        fix = services.note_add(claim_id=claim.pk, user=editor, text="It was the governor.", corrects_id=first.pk)
        assert fix.corrects == first and Note.objects.count() == 2
        other = ClaimFactory()
        with pytest.raises(ServiceError, match="not one of this claim's notes"):
            services.note_add(claim_id=other.pk, user=editor, text="Wrong claim.", corrects_id=first.pk)

    def test_notes_cannot_be_edited_or_deleted(self, editor, claim):
        note = services.note_add(claim_id=claim.pk, user=editor, text="Original.")
        note.text = "Rewritten."
        with pytest.raises(AppendOnlyError):
            note.save()
        with pytest.raises(AppendOnlyError):
            note.delete()
        # The database refuses too, whatever the ORM is told.
        for sql in ("UPDATE teamwork_note SET text = 'Rewritten.'", "DELETE FROM teamwork_note"):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        assert Note.objects.get().text == "Original."


class TestFollowersAreNotified:
    def test_state_evidence_and_appearances_notify_followers_but_not_the_actor(
        self, editor, colleague, claim, django_capture_on_commit_callbacks
    ):
        story = StoryFactory()
        claim.stories.add(story)
        story_follower = UserFactory(username="storyfan", groups=["editor"])
        services.follow_set(user=colleague, claim=claim, on=True)
        services.follow_set(user=story_follower, story=story, on=True)
        services.follow_set(user=editor, claim=claim, on=True)
        with django_capture_on_commit_callbacks(execute=True):
            claim_services.claim_change_status(
                claim_id=claim.pk, to_status=Status.DISPUTED, rationale="Kyiv denies it.", user=editor
            )
            add_evidence(claim, added_by=editor)
            claim_services.appearance_add(claim=claim, article=ArticleFactory(), created_by=editor)
        expected = {Verb.STATUS_CHANGED, Verb.EVIDENCE_ADDED, Verb.APPEARANCE_ADDED}
        for user in (colleague, story_follower):
            verbs = set(Notification.objects.filter(user=user).values_list("activity__verb", flat=True))
            assert verbs == expected, user
        assert not Notification.objects.filter(user=editor).exists()
        status = Activity.objects.get(verb=Verb.STATUS_CHANGED)
        assert status.actor == editor and status.detail == "Unverified → Disputed"

    def test_unfollowing_stops_notifications(self, editor, colleague, claim, django_capture_on_commit_callbacks):
        assert services.follow_set(user=colleague, claim=claim, on=True) is True
        assert services.follow_set(user=colleague, claim=claim, on=True) is True  # twice is once
        assert services.follow_set(user=colleague, claim=claim, on=False) is False
        with django_capture_on_commit_callbacks(execute=True):
            add_evidence(claim, added_by=editor)
        assert not Notification.objects.exists()
        assert Activity.objects.filter(verb=Verb.EVIDENCE_ADDED, actor=editor).exists()

    def test_it_refuses_to_follow_nothing_or_both(self, editor, claim):
        with pytest.raises(ServiceError):
            services.follow_set(user=editor, on=True)
        with pytest.raises(ServiceError):
            services.follow_set(user=editor, claim=claim, story=StoryFactory(), on=True)


class TestTriageDecisions:
    def test_accepting_and_rejecting_candidates_are_recorded(
        self, editor, candidate, unmatched_candidate, mod, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            claim = desk_services.candidate_accept(
                candidate_id=candidate.pk, user=editor, text="Russia controls Soledar", claimant=mod
            )
            desk_services.candidate_reject(candidate_id=unmatched_candidate.pk, user=editor, reason="Not a claim")
        verbs = _verbs(editor)
        assert Verb.CANDIDATE_ACCEPTED in verbs and Verb.CANDIDATE_REJECTED in verbs
        accepted = Activity.objects.get(verb=Verb.CANDIDATE_ACCEPTED)
        assert accepted.claim == claim and accepted.article_id == candidate.article_id
        rejected = Activity.objects.get(verb=Verb.CANDIDATE_REJECTED)
        assert rejected.claim is None and "Not a claim" in rejected.detail


class TestMarkRead:
    def test_it_marks_only_the_users_own(self, editor, colleague, claim):
        services.claim_assign(claim_id=claim.pk, assignee_id=colleague.pk, user=editor)
        theirs = Notification.objects.get(user=colleague)
        assert services.notifications_mark_read(user=editor, ids=[theirs.pk]) == 0
        theirs.refresh_from_db()
        assert theirs.read_at is None
        assert services.notifications_mark_read(user=colleague) == 1
