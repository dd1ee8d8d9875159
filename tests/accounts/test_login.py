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
