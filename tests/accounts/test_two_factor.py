"""Optional two-step login (TOTP through django-otp) for editors.

Codes are computed from the device's key as an authenticator app would. Each code works once
(django-otp keeps the last time step used), so a test that needs a second code asks for the next
step's, which the device accepts within its tolerance of one step.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, ClaimantFactory, UserFactory

SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


def code(device: TOTPDevice, step: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + step)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-otp waits a second after a wrong code before it checks another (doubling each time);
    # these tests give a wrong code and then the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def device(editor) -> TOTPDevice:
    return TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)


def login(client: Client, otp: str = "", password: str = PASSWORD):
    return client.post(reverse("accounts-login"), {"username": "editor", "password": password, "otp_token": otp})


class TestSetup:
    def test_an_editor_turns_it_on_with_a_code_from_the_app(self, editor):
        client = Client()
        client.force_login(editor)
        assert "<strong>Off.</strong>" in client.get(SETUP).content.decode()
        page = client.post(SETUP, {"action": "begin"}).content.decode()
        assert "<svg" in page and "Key: <code>" in page
        pending = TOTPDevice.objects.get(user=editor)
        assert not pending.confirmed
        wrong = client.post(SETUP, {"action": "confirm", "otp_token": "000000" if code(pending) != "000000" else "1"})
        assert "That code does not match" in wrong.content.decode() and "<svg" in wrong.content.decode()
        done = client.post(SETUP, {"action": "confirm", "otp_token": code(pending)})
        assert done.status_code == 302
        assert TOTPDevice.objects.get(user=editor).confirmed
        # This session gave the code: it stays an editor's.
        assert client.get(reverse("desk-home")).status_code == 200
        # The next login asks for a code; the app's next one works.
        fresh = Client()
        assert login(fresh).status_code == 200
        assert login(fresh, code(pending, step=1))["Location"] == "/desk/"

    def test_it_turns_off_only_with_a_current_code(self, editor, device):
        client = Client()
        login(client, code(device))
        assert "<strong>On.</strong>" in client.get(SETUP).content.decode()
        refused = client.post(SETUP, {"action": "off", "otp_token": "12"})
        assert "does not match" in refused.content.decode() and TOTPDevice.objects.exists()
        client.post(SETUP, {"action": "off", "otp_token": code(device, step=1)})
        assert not TOTPDevice.objects.exists()

    def test_it_is_for_editors(self, db):
        client = Client()
        client.force_login(UserFactory(username="reader"))
        assert client.get(SETUP).status_code == 403
        assert Client().get(SETUP)["Location"].startswith("/accounts/login/")


class TestLogin:
    def test_a_password_alone_is_not_enough(self, device):
        client = Client()
        response = login(client)
        assert response.status_code == 200
        assert "enter the current code from your authenticator app" in response.content.decode()
        assert client.get(reverse("desk-home")).status_code == 302

    def test_a_wrong_code_counts_as_a_failed_login(self, settings, device):
        settings.AXES_FAILURE_LIMIT = 3
        client = Client(REMOTE_ADDR="10.40.0.1")
        for _ in range(2):
            assert login(client, "000000" if code(device) != "000000" else "111111").status_code == 200
        assert AccessAttempt.objects.get(username="editor").failures_since_start == 2

    def test_the_right_code_opens_the_desk(self, device):
        client = Client()
        assert login(client, code(device))["Location"] == "/desk/"
        assert client.get(reverse("desk-home")).status_code == 200

    def test_a_code_works_once(self, device):
        first = code(device)
        assert login(Client(), first)["Location"] == "/desk/"
        assert login(Client(), first).status_code == 200

    def test_editors_without_it_log_in_as_before(self, editor):
        assert login(Client())["Location"] == "/desk/"


class TestPasswordOnlySession:
    """A session opened by password alone (the admin's login page) while the account has a device."""

    def test_it_is_sent_to_the_code_before_any_desk_page(self, editor, device):
        client = Client()
        client.force_login(editor)
        response = client.get(reverse("desk-claim-list"))
        assert response.status_code == 302 and response["Location"].startswith(VERIFY + "?next=/desk/claims/")
        page = client.get(response["Location"])
        assert "Enter your code" in page.content.decode()
        wrong = client.post(VERIFY, {"otp_token": "99", "next": "/desk/claims/"})
        assert "does not match" in wrong.content.decode()
        ok = client.post(VERIFY, {"otp_token": code(device), "next": "/desk/claims/"})
        assert ok["Location"] == "/desk/claims/"
        assert client.get(reverse("desk-claim-list")).status_code == 200

    def test_it_cannot_write_through_the_api_until_it_gives_the_code(self, editor, device):
        client = Client()
        client.force_login(editor)
        body = {"text": "Soledar has fallen", "claimant": ClaimantFactory().slug}
        assert client.post("/api/v1/claims/create/", body, content_type="application/json").status_code == 403
        client.post(VERIFY, {"otp_token": code(device)})
        assert client.post("/api/v1/claims/create/", body, content_type="application/json").status_code == 201

    def test_the_verify_page_never_sends_off_site(self, editor, device):
        client = Client()
        client.force_login(editor)
        response = client.post(VERIFY, {"otp_token": code(device), "next": "https://evil.example/"})
        assert response["Location"] == reverse("desk-home")


class TestApiToken:
    URL = "/api/v1/auth/token/"

    def post(self, **data):
        return Client().post(
            self.URL, {"username": "editor", "password": PASSWORD, **data}, content_type="application/json"
        )

    def test_it_asks_for_the_code(self, device):
        response = self.post()
        assert response.status_code == 401
        assert response.json()["error"]["message"].startswith("This account uses two-step login")
        assert self.post(otp_token="abc").status_code == 401

    def test_it_issues_the_token_against_the_code(self, device):
        response = self.post(otp_token=code(device))
        assert response.status_code == 200 and response.json()["token"]

    def test_an_overlong_code_is_a_clear_error(self, device):
        response = self.post(otp_token="1" * 50)
        assert response.status_code == 400 and "otp_token" in response.json()["error"]["fields"]


class TestAdmin:
    def test_the_admin_asks_a_password_only_session_for_the_code_too(self, db):
        boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
        device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
        client = Client()
        client.force_login(boss)  # as the admin's own login page would
        assert client.get("/admin/").status_code == 302
        client.post(VERIFY, {"otp_token": code(device)})
        assert client.get("/admin/").status_code == 200

    def test_it_opens_as_before_for_a_superuser_without_a_device(self, db):
        client = Client()
        client.force_login(UserFactory(username="boss", is_superuser=True, is_staff=True))
        assert client.get("/admin/").status_code == 200
