"""Reviewers lift login pauses and set new passwords from the desk (issue #18, Accounts)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory

NEW = "another strong phrase 31"
LIST = reverse("desk-account-list")
LIFT = reverse("desk-account-pause-lift")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fail_logins(username: str, address: str, times: int = 5) -> Client:
    client = Client(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(reverse("accounts-login"), {"username": username, "password": "wrong"})
    return client


def can_log_in(client: Client, username: str, password: str) -> bool:
    response = client.post(reverse("accounts-login"), {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == "/desk/"


def pages(account_pk: int) -> list[tuple[str, str]]:
    return [
        ("GET", LIST),
        ("POST", LIFT),
        ("GET", reverse("desk-account-password", args=[account_pk])),
        ("POST", reverse("desk-account-two-factor-off", args=[account_pk])),
    ]


class TestPermissions:
    def test_anonymous_readers_go_to_the_login_page(self, client, editor):
        for method, url in pages(editor.pk):
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")

    @pytest.mark.parametrize("role", [None, "editor"])
    def test_readers_and_editors_are_refused(self, db, role):
        client = Client()
        client.force_login(UserFactory(username=f"someone-{role}", groups=[role] if role else []))
        target = UserFactory(username="target", groups=["editor"])
        for method, url in pages(target.pk):
            response = getattr(client, method.lower())(url)
            assert response.status_code == 403 and "Reviewers only" in response.content.decode(), url

    def test_only_reviewers_see_the_link(self, editor_client, reviewer_client):
        assert LIST not in editor_client.get(reverse("desk-home")).content.decode()
        assert LIST in reviewer_client.get(reverse("desk-home")).content.decode()

    def test_it_rejects_wrong_methods_and_a_post_without_csrf(self, reviewer, editor):
        client = Client()
        client.force_login(reviewer)
        assert client.post(LIST).status_code == 405
        assert client.get(LIFT).status_code == 405
        assert client.delete(reverse("desk-account-password", args=[editor.pk])).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(reviewer)
        assert strict.post(LIFT, {"username": "editor"}).status_code == 403


class TestPausedLogins:
    def test_it_lists_a_pause_and_lifting_it_lets_the_editor_in(self, reviewer_client, editor):
        at_desk = fail_logins("editor", "10.30.0.1")
        fail_logins("editor", "10.30.0.2", times=2)  # below the limit: not a pause
        assert not can_log_in(at_desk, "editor", PASSWORD)
        page = reviewer_client.get(LIST)
        assert [(p.username, p.ip_address) for p in page.context["pauses"]] == [("editor", "10.30.0.1")]
        assert "10.30.0.2" not in page.content.decode()
        response = reviewer_client.post(LIFT, {"username": "editor", "ip_address": "10.30.0.1"}, follow=True)
        assert "editor can log in from 10.30.0.1 again." in response.content.decode()
        assert can_log_in(at_desk, "editor", PASSWORD)
        # The pair below the limit was another address's: it stays until it expires or succeeds.
        assert AccessAttempt.objects.filter(ip_address="10.30.0.2").exists()

    def test_lifting_an_ended_pause_says_so(self, reviewer_client, db):
        response = reviewer_client.post(LIFT, {"username": "editor", "ip_address": "10.30.0.9"}, follow=True)
        assert "That pause had already ended" in response.content.decode()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Name the username or the address"),
            ({"username": "", "ip_address": ""}, "Name the username or the address"),
            ({"username": "editor", "ip_address": "not-an-address"}, "Enter a valid IPv4 or IPv6 address."),
            ({"username": "x" * 300}, "Ensure this value has at most 255 characters"),
        ],
    )
    def test_it_refuses_bad_input_and_removes_nothing(self, reviewer_client, editor, data, message):
        fail_logins("editor", "10.30.1.1")
        fail_logins("someone", "10.30.1.2")
        response = reviewer_client.post(LIFT, data, follow=True)
        assert response.status_code == 200 and message in response.content.decode()
        assert AccessAttempt.objects.count() == 2

    def test_the_empty_state_says_how_pauses_work(self, reviewer_client):
        body = reviewer_client.get(LIST).content.decode()
        assert "No login is paused now." in body and "other addresses still log in" in body


class TestSetPassword:
    def test_it_sets_a_new_password_and_lifts_the_pauses_on_the_name(self, reviewer_client, editor):
        at_desk = fail_logins("editor", "10.31.0.1")
        url = reverse("desk-account-password", args=[editor.pk])
        assert "Set a new password for editor" in reviewer_client.get(url).content.decode()
        response = reviewer_client.post(url, {"new_password1": NEW, "new_password2": NEW})
        assert response.status_code == 302 and response["Location"] == LIST
        assert can_log_in(at_desk, "editor", NEW)

    def test_it_refuses_a_weak_or_mismatched_password_and_keeps_the_old(self, reviewer_client, editor):
        url = reverse("desk-account-password", args=[editor.pk])
        for data in ({"new_password1": "123", "new_password2": "123"}, {"new_password1": NEW, "new_password2": "x"}):
            response = reviewer_client.post(url, data)
            assert response.status_code == 200 and response.context["form"].errors
        editor.refresh_from_db()
        assert editor.check_password(PASSWORD)

    def test_a_reviewer_cannot_set_a_superusers_password(self, reviewer_client, db):
        boss = UserFactory(username="boss", is_superuser=True)
        response = reviewer_client.post(
            reverse("desk-account-password", args=[boss.pk]), {"new_password1": NEW, "new_password2": NEW}
        )
        assert "Only a superuser can set a superuser" in response.content.decode()
        boss.refresh_from_db()
        assert boss.check_password(PASSWORD)

    def test_it_answers_404_for_a_missing_account_or_one_without_a_role(self, reviewer_client, db):
        reader = UserFactory(username="reader-only")
        for pk in (999999, reader.pk):
            assert reviewer_client.get(reverse("desk-account-password", args=[pk])).status_code == 404

    def test_it_lists_editors_and_reviewers_but_not_readers(self, reviewer_client, editor, db):
        UserFactory(username="reader-only")
        names = [a.username for a in reviewer_client.get(LIST).context["accounts"]]
        assert names == ["editor", "reviewer"]


class TestTwoFactorOff:
    """An editor who lost the phone: a reviewer turns their two-step login off."""

    def test_a_reviewer_turns_it_off_for_an_editor(self, reviewer_client, editor):
        TOTPDevice.objects.create(user=editor, name="lost phone", confirmed=True)
        row = next(a for a in reviewer_client.get(LIST).context["accounts"] if a.username == "editor")
        assert row.two_factor
        url = reverse("desk-account-two-factor-off", args=[editor.pk])
        response = reviewer_client.post(url, follow=True)
        assert "Two-step login is off for editor" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=editor).exists()
        assert can_log_in(Client(), "editor", PASSWORD)

    def test_only_a_superuser_turns_off_a_superusers(self, reviewer_client, db):
        boss = UserFactory(username="boss", is_superuser=True)
        TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
        response = reviewer_client.post(reverse("desk-account-two-factor-off", args=[boss.pk]), follow=True)
        assert "Only a superuser can turn off" in response.content.decode()
        assert TOTPDevice.objects.filter(user=boss).exists()

    def test_it_rejects_get_and_answers_404_for_an_unknown_account(self, reviewer_client, editor):
        assert reviewer_client.get(reverse("desk-account-two-factor-off", args=[editor.pk])).status_code == 405
        assert reviewer_client.post(reverse("desk-account-two-factor-off", args=[999999])).status_code == 404
