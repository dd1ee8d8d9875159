"""The optional daily digest: one email per user who asked, listing what they have not read, once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from claims_tracker.teamwork import digest, services, tasks
from claims_tracker.teamwork.models import EmailDigest, Notification
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _give(claims, *, to, by):
    for claim in claims:
        services.claim_assign(claim_id=claim.pk, assignee_id=to.pk, user=by)


def test_it_emails_the_unread_once_and_only_to_who_asked(editor, colleague, reviewer):
    claims = [ClaimFactory(text=f"Claim for the digest {n}") for n in range(3)]
    _give(claims[:2], to=editor, by=colleague)
    _give(claims[2:], to=reviewer, by=colleague)  # the reviewer did not ask for the digest
    services.note_add(claim_id=claims[0].pk, user=colleague, text="PRIVATE-NOTE-TEXT")
    digest.digest_set(user=editor, on=True)
    read = Notification.objects.filter(user=editor).order_by("id").first()
    services.notifications_mark_read(user=editor, ids=[read.pk])
    _give([ClaimFactory(text="Claim for the digest 3")], to=editor, by=colleague)

    assert tasks.send_digests.delay().get() == 1  # eager: the fan-out, then one send_digest per user
    [email] = mail.outbox
    assert email.to == [editor.email] and email.subject.startswith("2 updates")
    assert "Claim for the digest 1" in email.body and "Claim for the digest 3" in email.body
    assert "Claim for the digest 0" not in email.body  # read on the desk already
    assert "PRIVATE-NOTE-TEXT" not in email.body
    assert reverse("teamwork-notifications") in email.body

    # A second run (a double-fired beat) has nothing left to send.
    assert tasks.send_digests.delay().get() == 0
    assert digest.digest_send(user_id=editor.pk) == 0
    assert len(mail.outbox) == 1


def test_it_sends_nothing_without_an_address_or_after_turning_it_off(editor, colleague, claim):
    _give([claim], to=editor, by=colleague)
    digest.digest_set(user=editor, on=True)
    digest.digest_set(user=editor, on=False)
    assert digest.digest_users_due() == [] and digest.digest_send(user_id=editor.pk) == 0
    digest.digest_set(user=editor, on=True)
    editor.email = ""
    editor.save(update_fields=["email"])
    assert digest.digest_users_due() == [] and digest.digest_send(user_id=editor.pk) == 0
    assert mail.outbox == []


def test_the_notifications_page_turns_it_on_and_off(editor_client, editor):
    url = reverse("teamwork-digest")
    html = editor_client.get(reverse("teamwork-notifications")).content.decode()
    assert "Email me a daily digest" in html
    editor_client.post(url, {"action": "follow"})
    assert EmailDigest.objects.filter(user=editor).exists()
    assert "Stop the daily email" in editor_client.get(reverse("teamwork-notifications")).content.decode()
    editor_client.post(url, {"action": "unfollow"})
    assert not EmailDigest.objects.exists()
    assert editor_client.post(url, {"action": "maybe"}).status_code == 400
