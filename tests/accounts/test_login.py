from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

GENERIC = "That username and password do not match an editor account."


@pytest.fixture
def client_ip():
    # Axes locks per address too: each test gets its own.
    return Client(REMOTE_ADDR="10.9.8.7")


class TestLogin:
    def test_it_logs_an_editor_in_and_lands_on_the_desk(self, client_ip, editor):
        response = client_ip.post(reverse("accounts-login"), {"username": "editor", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/desk/"

    def test_it_returns_to_the_page_asked_for(self, client_ip, editor):
        response = client_ip.post(
            reverse("accounts-login") + "?next=/desk/claims/",
            {"username": "editor", "password": PASSWORD, "next": "/desk/claims/"},
        )
        assert response["Location"] == "/desk/claims/"

    def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(self, client_ip, editor):
        wrong = client_ip.post(reverse("accounts-login"), {"username": "editor", "password": "nope"})
        unknown = Client(REMOTE_ADDR="10.9.8.8").post(
            reverse("accounts-login"), {"username": "ghost", "password": "nope"}
        )
        assert wrong.status_code == unknown.status_code == 200
        assert GENERIC in wrong.content.decode() and GENERIC in unknown.content.decode()
        assert wrong.context["form"].errors == unknown.context["form"].errors

    def test_it_says_the_same_for_an_inactive_user(self, client_ip, db):
        UserFactory(username="gone", is_active=False)
        response = client_ip.post(reverse("accounts-login"), {"username": "gone", "password": PASSWORD})
        assert GENERIC in response.content.decode()

    def test_it_refuses_a_login_without_csrf_token(self, editor):
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.9.8.9")
        assert client.post(reverse("accounts-login"), {"username": "editor", "password": PASSWORD}).status_code == 403


class TestLockout:
    @pytest.mark.parametrize("username", ["editor", "nobody-by-this-name"])
    def test_it_pauses_logins_after_the_limit_whether_or_not_the_user_exists(self, settings, editor, username):
        settings.AXES_FAILURE_LIMIT = 3
        client = Client(REMOTE_ADDR="10.1.1.1")
        for _ in range(2):
            assert client.post(reverse("accounts-login"), {"username": username, "password": "bad"}).status_code == 200
        locked = client.post(reverse("accounts-login"), {"username": username, "password": "bad"})
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.content.decode()
        # The right password does not get through during the cool-down either.
        again = client.post(reverse("accounts-login"), {"username": username, "password": PASSWORD})
        assert again.status_code == 429

    def test_it_locks_by_username_across_addresses(self, settings, editor):
        settings.AXES_FAILURE_LIMIT = 2
        Client(REMOTE_ADDR="10.2.2.1").post(reverse("accounts-login"), {"username": "editor", "password": "bad"})
        response = Client(REMOTE_ADDR="10.2.2.2").post(
            reverse("accounts-login"), {"username": "editor", "password": "bad"}
        )
        assert response.status_code == 429
        blocked = Client(REMOTE_ADDR="10.2.2.3").post(
            reverse("accounts-login"), {"username": "editor", "password": PASSWORD}
        )
        assert blocked.status_code == 429

    def test_it_locks_by_address_across_usernames(self, settings, db):
        settings.AXES_FAILURE_LIMIT = 2
        client = Client(REMOTE_ADDR="10.3.3.3")
        client.post(reverse("accounts-login"), {"username": "a", "password": "bad"})
        assert client.post(reverse("accounts-login"), {"username": "b", "password": "bad"}).status_code == 429


class TestLogout:
    def test_it_logs_out_on_post(self, editor):
        client = Client()
        client.force_login(editor)
        response = client.post(reverse("accounts-logout"))
        assert response.status_code == 302
        assert client.get(reverse("desk-home")).status_code == 302

    def test_it_rejects_get(self, editor):
        client = Client()
        client.force_login(editor)
        assert client.get(reverse("accounts-logout")).status_code == 405


class TestPasswordChange:
    def test_it_changes_the_password(self, editor):
        client = Client()
        client.force_login(editor)
        data = {
            "old_password": PASSWORD,
            "new_password1": "a much longer new phrase 99",
            "new_password2": "a much longer new phrase 99",
        }
        response = client.post(reverse("accounts-password-change"), data)
        assert response.status_code == 302 and response["Location"] == reverse("desk-home")
        editor.refresh_from_db()
        assert editor.check_password("a much longer new phrase 99")

    def test_it_reshows_the_form_on_a_wrong_old_password(self, editor):
        client = Client()
        client.force_login(editor)
        data = {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
        response = client.post(reverse("accounts-password-change"), data)
        assert response.status_code == 200
        assert response.context["form"].errors["old_password"]

    def test_it_sends_anonymous_users_to_login(self, client, db):
        response = client.get(reverse("accounts-password-change"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts-login"))
