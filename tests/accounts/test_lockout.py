"""Failed logins lock one username from one address; attempts per address are limited apart from it.

Each attack of issue #18 (item 2) is played here, then the victim logs in from their own address:
on the login page and on /api/v1/auth/token/. The proxy in front is tests/test_client_ip_proxy.py.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    # Hundreds of logins: the password hasher's cost is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the per-address login counters
    yield
    cache.clear()


def web_login(address: str, username: str, password: str):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def api_login(address: str, username: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        TOKEN, {"username": username, "password": password}, content_type="application/json"
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/desk/"


class TestLockout:
    @pytest.mark.parametrize("username", ["editor", "nobody-by-this-name"])
    def test_it_pauses_a_username_from_one_address_whether_or_not_it_exists(self, settings, editor, username):
        settings.AXES_FAILURE_LIMIT = 3
        for _ in range(2):
            assert web_login("10.1.1.1", username, "bad").status_code == 200
        locked = web_login("10.1.1.1", username, "bad")
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.content.decode()
        # The right password does not get through from that address during the cool-off either.
        assert web_login("10.1.1.1", username, PASSWORD).status_code == 429

    def test_failures_from_many_addresses_never_lock_the_editor_out(self, settings, editor):
        """Attack 1: five failures as a named editor, sent from any address (3 rounds, as reported)."""
        for round_ in range(3):
            for n in range(settings.AXES_FAILURE_LIMIT):
                web_login(f"10.2.{round_}.{n}", "editor", "bad")
                api_login(f"10.2.{round_}.{n + 100}", "editor", "bad")
            assert logged_in(web_login("10.2.9.9", "editor", PASSWORD))
            assert api_login("10.2.9.10", "editor", PASSWORD).status_code == 200

    def test_one_attacker_locking_itself_out_leaves_the_editor_in(self, settings, editor):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            web_login("10.2.8.1", "editor", "bad")
        assert web_login("10.2.8.1", "editor", PASSWORD).status_code == 429
        assert api_login("10.2.8.1", "editor", PASSWORD).status_code == 429
        assert logged_in(web_login("10.2.8.2", "editor", PASSWORD))
        assert api_login("10.2.8.2", "editor", PASSWORD).status_code == 200

    def test_failures_on_many_usernames_from_one_address_leave_its_other_users_in(self, settings, editor):
        """Attack 2: five usernames from one (shared) address; another editor on it still logs in."""
        for n in range(settings.AXES_FAILURE_LIMIT):
            web_login("10.3.3.3", f"someone-{n}", "bad")
            api_login("10.3.3.3", f"someone-else-{n}", "bad")
        assert logged_in(web_login("10.3.3.3", "editor", PASSWORD))
        assert api_login("10.3.3.3", "editor", PASSWORD).status_code == 200

    def test_web_and_api_failures_count_together_for_one_pair(self, settings, editor):
        settings.AXES_FAILURE_LIMIT = 2
        api_login("10.4.4.4", "editor", "bad")
        assert web_login("10.4.4.4", "editor", "bad").status_code == 429

    def test_the_api_answers_a_lockout_with_429_retry_after_and_the_error_shape(self, settings, editor):
        settings.AXES_FAILURE_LIMIT = 2
        settings.AXES_COOLOFF_TIME = 0.25  # hours
        api_login("10.5.5.5", "editor", "bad")
        api_login("10.5.5.5", "editor", "bad")
        response = api_login("10.5.5.5", "editor", PASSWORD)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        error = response.json()["error"]
        assert error["code"] == "locked_out"
        assert error["message"] == (
            "Too many failed logins for this username from this address. Try again in 900 seconds."
        )
        assert "token" not in response.json()

    def test_a_successful_login_clears_the_pairs_failures(self, settings, editor):
        settings.AXES_FAILURE_LIMIT = 3
        web_login("10.6.6.6", "editor", "bad")
        web_login("10.6.6.6", "editor", "bad")
        assert logged_in(web_login("10.6.6.6", "editor", PASSWORD))
        assert not AccessAttempt.objects.filter(username="editor").exists()


class TestAttemptsPerAddress:
    """The "login" rate: attempts from one address, web and API together, without locking any account."""

    @pytest.fixture(autouse=True)
    def _rate(self, settings):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "login": "4/hour"}}

    def test_it_pauses_an_address_after_the_rate_and_says_when_to_retry(self, editor):
        for n in range(3):
            assert web_login("10.7.7.7", f"guess-{n}", "bad").status_code == 200
        assert api_login("10.7.7.7", "guess-3", "bad").status_code == 401
        page = web_login("10.7.7.7", "editor", PASSWORD)
        assert page.status_code == 429
        assert int(page["Retry-After"]) > 0
        assert "Logging in from this network address is paused" in page.content.decode()
        api = api_login("10.7.7.7", "editor", PASSWORD)
        assert api.status_code == 429 and int(api["Retry-After"]) > 0
        assert api.json()["error"]["code"] == "throttled"

    def test_it_locks_no_account(self, editor):
        for n in range(6):
            web_login("10.8.8.8", "editor", f"bad-{n}")
        # Refused attempts never reached axes: the pair has 4 failures at most, below the limit of 5.
        assert AccessAttempt.objects.get(username="editor", ip_address="10.8.8.8").failures_since_start == 4
        assert logged_in(web_login("10.8.8.9", "editor", PASSWORD))

    def test_a_get_of_the_login_page_is_not_counted(self, db):
        client = Client(REMOTE_ADDR="10.9.9.9")
        for _ in range(6):
            assert client.get(LOGIN).status_code == 200
        assert web_login("10.9.9.9", "x", "bad").status_code == 200
