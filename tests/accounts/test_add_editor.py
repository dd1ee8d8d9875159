from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from claims_tracker.accounts import roles


class TestAddEditor:
    def test_it_creates_an_editor_with_a_password_from_stdin(self, db, monkeypatch):
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase 7\n"))
        out = io.StringIO()
        call_command("add_editor", "alice", "--email", "alice@newsroom.test", "--password-stdin", stdout=out)
        user = User.objects.get(username="alice")
        assert user.check_password("a long enough passphrase 7")
        assert roles.is_editor(user) and not roles.is_reviewer(user)
        assert "Created alice: editor." in out.getvalue()

    def test_it_adds_the_reviewer_role_to_an_existing_user(self, editor):
        call_command("add_editor", "editor", "--reviewer", stdout=io.StringIO())
        assert roles.is_reviewer(editor)

    def test_it_refuses_a_weak_password(self, db, monkeypatch):
        monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
        with pytest.raises(CommandError, match="Password refused"):
            call_command("add_editor", "bob", "--password-stdin")
        assert not User.objects.filter(username="bob").exists()

    def test_it_refuses_to_prompt_without_a_terminal(self, db, monkeypatch):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        with pytest.raises(CommandError, match="No terminal"):
            call_command("add_editor", "carol")
