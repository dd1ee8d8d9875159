"""python -m claims_tracker.embedded_db run [-- CMD ...] | stop | status

run     With DATABASE_URL set: run CMD as it is. Otherwise own the embedded PostgreSQL: start it
        (creating it if new), run CMD (with no CMD: wait for Ctrl-C), then stop it. `make run`.
stop    Stop a server left running in the folder (after a killed `make run`); refused while a
        process owns it. `make clean` calls it before removing the folder.
status  Say whether it runs, and who owns it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from claims_tracker.embedded_db import EmbeddedDbError, Server, display, owner_session, say

# After Ctrl-C (or SIGTERM) the command gets 10 s to finish, then SIGTERM and 10 s, then SIGKILL.
ESCALATION = ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0))


def _settings() -> tuple[Server, bool]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
    from django.conf import settings

    return Server(settings.EMBEDDED_DB_DIR), not settings.DATABASE_URL


def _run_child(command: list[str]) -> int:
    """Run the command to its end. Ctrl-C reaches it from the terminal (same process group); a
    SIGTERM or SIGHUP sent to us is passed on. Either way it has a bounded time to finish."""
    interrupted: list[float] = []

    def on_signal(signum: int, frame: object) -> None:
        if signum != signal.SIGINT and child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
        interrupted.append(time.monotonic())

    child = None
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    if not command:
        say("running until Ctrl-C")
        while not interrupted:
            signal.pause()
        return 0
    try:
        child = subprocess.Popen(command)
    except OSError as exc:
        say(f"cannot run {command[0]}: {exc}")
        return 127
    escalation = list(ESCALATION)
    while True:
        try:
            code = child.wait(timeout=0.2)
            return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell says
        except subprocess.TimeoutExpired:
            pass
        if interrupted and escalation and time.monotonic() - interrupted[-1] > escalation[0][1]:
            child.send_signal(escalation.pop(0)[0])
            interrupted.append(time.monotonic())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "stop", "status"):
        print(__doc__, file=sys.stderr)
        return 2
    action, rest = argv[0], argv[1:]
    command = rest[1:] if rest[:1] == ["--"] else rest
    server, embedded = _settings()
    try:
        if action == "run":
            if not embedded:  # DATABASE_URL wins: nothing embedded starts
                if not command:
                    say("DATABASE_URL is set: nothing to run")
                    return 0
                return _run_child(command)
            with owner_session(server):
                return _run_child(command)
        if action == "stop":
            if not server.root.exists():
                say(f"nothing in {display(server.root)}")
                return 0
            with server.owned():
                say("stopped" if server.stop() else f"not running in {display(server.root)}")
            return 0
        pid, running, owner = server.postmaster_pid(), server.answers(), server.owner()
        state = f"running (pid {pid}{', owned by process ' + owner if owner else ''})" if running else "not running"
        say(f"{state} in {display(server.root)}")
        return 0 if running else 3
    except EmbeddedDbError as exc:
        say(str(exc))
        return 1
    except KeyboardInterrupt:  # before the command started; what was started is stopped
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
