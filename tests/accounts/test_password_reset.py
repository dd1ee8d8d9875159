""" "Forgot password": Django's own views, the email sent through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

NEW = "a brand new passphrase 77"


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler hook
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted"


@pytest.fixture
def inbox(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


def ask_for_link(client: Client, email: str):
    return client.post(reverse("accounts-password-reset"), {"email": email})


def link_in(message: str) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message).group(1)


class TestPasswordReset:
    def test_the_login_page_links_to_it(self, client, db):
        assert reverse("accounts-password-reset") in client.get(reverse("accounts-login")).content.decode()

    def test_it_emails_a_link_that_sets_a_new_password_once(self, inbox, editor):
        client = Client()
        response = ask_for_link(client, "editor@newsroom.test")
        assert response.status_code == 302 and response["Location"] == reverse("accounts-password-reset-done")
        assert "Check your email" in client.get(response["Location"]).content.decode()
        [(to, message)] = inbox.messages
        assert to == ["editor@newsroom.test"]
        assert "Subject: Reset your Claims Tracker password" in message and '"editor"' in message
        form = client.get(link_in(message), follow=True)
        assert "Set a new password" in form.content.decode()
        done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
        assert done["Location"] == reverse("accounts-password-reset-complete")
        editor.refresh_from_db()
        assert editor.check_password(NEW) and not editor.check_password(PASSWORD)
        again = Client().get(link_in(message), follow=True)
        assert "This link no longer works" in again.content.decode()

    def test_it_answers_the_same_for_an_unknown_address_and_sends_nothing(self, inbox, editor):
        known, unknown = ask_for_link(Client(), "editor@newsroom.test"), ask_for_link(Client(), "who@else.test")
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]
        assert len(inbox.messages) == 1

    def test_it_refuses_a_weak_new_password_and_keeps_the_old(self, inbox, editor):
        client = Client()
        ask_for_link(client, "editor@newsroom.test")
        form = client.get(link_in(inbox.messages[0][1]), follow=True)
        response = client.post(form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
        assert response.status_code == 200 and response.context["form"].errors
        editor.refresh_from_db()
        assert editor.check_password(PASSWORD)

    def test_a_forged_link_says_it_no_longer_works(self, client, db):
        response = client.get("/accounts/password/reset/MQ/abc-def/", follow=True)
        assert response.status_code == 200 and "This link no longer works" in response.content.decode()

    def test_a_new_password_lifts_the_pause_on_the_name(self, settings, inbox, editor):
        settings.AXES_FAILURE_LIMIT = 2
        at_desk = Client(REMOTE_ADDR="10.20.0.1")
        for _ in range(2):
            at_desk.post(reverse("accounts-login"), {"username": "editor", "password": "forgotten"})
        assert at_desk.post(reverse("accounts-login"), {"username": "editor", "password": PASSWORD}).status_code == 429
        ask_for_link(at_desk, "editor@newsroom.test")
        form = at_desk.get(link_in(inbox.messages[0][1]), follow=True)
        at_desk.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
        response = at_desk.post(reverse("accounts-login"), {"username": "editor", "password": NEW})
        assert response.status_code == 302 and response["Location"] == "/desk/"
