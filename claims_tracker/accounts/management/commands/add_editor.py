"""Create an editor (or reviewer) account, or give an existing user the role.

manage.py add_editor alice --email alice@newsroom.example           # asks for a password
echo "$PASSWORD" | manage.py add_editor bob --reviewer --password-stdin
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims_tracker.accounts.roles import EDITOR_GROUP, REVIEWER_GROUP


class Command(BaseCommand):
    help = "Create an editor or reviewer account (or add the role to an existing user)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--reviewer", action="store_true", help="Also make the user a reviewer.")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")
        parser.add_argument("--no-password", action="store_true", help="Create without a usable password.")

    def handle(self, *args, username: str, email: str, reviewer: bool, password_stdin: bool, no_password: bool, **kw):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("The username must not be empty.")
        user = User.objects.filter(username=username).first()
        password = None
        if user is None and not no_password:
            password = self._read_password(password_stdin)
            try:
                validate_password(password, User(username=username, email=email))
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        groups = [EDITOR_GROUP] + ([REVIEWER_GROUP] if reviewer else [])
        with transaction.atomic():
            created = user is None
            if created:
                user = User(username=username, email=email)
                if password is None:
                    user.set_unusable_password()
                else:
                    user.set_password(password)
                user.save()
            elif email and user.email != email:
                user.email = email
                user.save(update_fields=["email"])
            for name in groups:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}: {', '.join(groups)}."))

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
            return password
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for a password: use --password-stdin or --no-password.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
