"""The embedded PostgreSQL (claims_tracker.embedded_db): a real server from the wheel, in a fresh
folder per test, started, killed and stopped for real.

Every process a test starts (servers, wrappers, stand-ins) is stopped by its pid, with timeouts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claims_tracker.embedded_db import DB_NAME, EmbeddedDbError, Server
from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent
WAIT = 90  # seconds a test waits for a process before it fails (a bound, not a measure)


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        stop(process)


@pytest.fixture
def server(tmp_path, processes):
    server = Server(tmp_path / "pg")
    yield server
    server.stop()  # whatever a test left running, by the pid in its postmaster.pid


def _start(server: Server, **kwargs) -> list[str]:
    with server.owned():
        server.start(**kwargs)
    return server.notes


def _env(server: Server) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    return {**env, "EMBEDDED_DB_DIR": str(server.root)}


def _cli(server: Server, *args: str, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "claims_tracker.embedded_db", *args]
    return subprocess.run(
        command, cwd=ROOT, env=kwargs.pop("env", _env(server)), capture_output=True, text=True, timeout=WAIT
    )


def _owner(server: Server, processes: list, log: Path) -> subprocess.Popen:
    """`python -m claims_tracker.embedded_db run` (what `make db` runs), once its server answers."""
    with log.open("w") as stderr:
        owner = subprocess.Popen(
            [sys.executable, "-m", "claims_tracker.embedded_db", "run"], cwd=ROOT, env=_env(server), stderr=stderr
        )
    processes.append(owner)
    deadline = time.monotonic() + WAIT
    while not (server.answers() and "running until Ctrl-C" in log.read_text()):
        assert owner.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return owner


def _stale_pid_file(server: Server, pid: int, template: str) -> None:
    (server.data / "postmaster.pid").write_text("\n".join([str(pid), *template.splitlines()[1:]]) + "\n")


def test_it_creates_a_cluster_on_a_socket_only_and_keeps_its_data(server):
    notes = _start(server)
    assert any(note.startswith("created a new cluster") for note in notes), notes
    with server.connect(DB_NAME) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)  # no TCP port at all
        assert conn.execute("SHOW data_directory").fetchone() == (str(server.data),)
        assert conn.execute(
            "SELECT count(*) FROM pg_extension WHERE extname IN ('pg_trgm', 'unaccent')"
        ).fetchone() == (2,)
        assert conn.execute("SELECT similarity('Зеленський заявив', 'Зеленський')").fetchone()[0] > 0.5
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    assert oct(server.socket_dir.stat().st_mode & 0o777) == "0o700"  # only this user (and root) connect
    assert server.stop() is True
    assert not server.answers() and server.postmaster_pid() is None

    notes = _start(server)
    assert not any(note.startswith("created") for note in notes), notes
    with server.connect(DB_NAME) as conn:
        assert conn.execute("SELECT note FROM kept").fetchall() == [("still here",)]


def test_a_stale_pid_file_is_named_and_replaced(server, processes):
    _start(server)
    template = (server.data / "postmaster.pid").read_text()
    server.stop()

    # The pid of a process that has exited.
    gone = subprocess.Popen(["true"])
    gone.wait(timeout=WAIT)
    _stale_pid_file(server, gone.pid, template)
    notes = _start(server)
    assert f"stale postmaster.pid (pid {gone.pid} is gone)" in " ".join(notes), notes
    assert server.answers()
    server.stop()

    # The pid of a live process that is not PostgreSQL (as after a reboot reuses pids).
    other = subprocess.Popen(["sleep", "120"])
    processes.append(other)
    _stale_pid_file(server, other.pid, template)
    notes = _start(server)
    assert f"removed a stale postmaster.pid (pid {other.pid} is now another program)" in notes, notes
    assert server.answers() and other.poll() is None  # the other program was left alone
    server.stop()

    # A file cut short.
    (server.data / "postmaster.pid").write_text("")
    notes = _start(server)
    assert "removed an unreadable postmaster.pid" in notes and server.answers(), notes


def test_it_starts_again_after_the_server_is_killed(server):
    _start(server)
    with server.connect(DB_NAME) as conn:
        conn.execute("CREATE TABLE kept AS SELECT 'committed before kill -9' AS note")
    killed = server.postmaster_pid()
    os.kill(killed, signal.SIGKILL)

    _start(server)  # at once: the old server may still be exiting
    assert server.postmaster_pid() != killed
    with server.connect(DB_NAME) as conn:
        assert conn.execute("SELECT note FROM kept").fetchall() == [("committed before kill -9",)]


def test_a_second_owner_is_told_who_runs_it_and_others_just_use_it(server, processes, tmp_path):
    owner = _owner(server, processes, tmp_path / "owner.log")
    served = server.postmaster_pid()

    second = _cli(server, "run", "--", sys.executable, "-c", "print('the command ran')")
    assert second.returncode == 1
    assert f"is in use by process {owner.pid}" in second.stderr, second.stderr
    assert "the command ran" not in second.stdout
    refused = _cli(server, "stop")
    assert refused.returncode == 1 and f"in use by process {owner.pid}" in refused.stderr

    # A manage.py command beside it connects, and leaves the server to its owner.
    code = "from django.db import connection; connection.ensure_connection(); print('CONNECTED')"
    beside = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_env(server),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert beside.returncode == 0 and "CONNECTED" in beside.stdout, beside.stderr
    assert "embedded PostgreSQL" not in beside.stderr  # it neither started nor stopped anything
    assert server.answers() and server.postmaster_pid() == served

    owner.send_signal(signal.SIGINT)  # Ctrl-C
    assert owner.wait(timeout=WAIT) == 0
    assert "stopped" in (tmp_path / "owner.log").read_text()
    assert not server.answers() and server.postmaster_pid() is None


def test_a_killed_owner_leaves_a_server_the_next_run_adopts(server, processes, tmp_path):
    owner = _owner(server, processes, tmp_path / "owner.log")
    orphan = server.postmaster_pid()
    owner.kill()
    owner.wait(timeout=WAIT)
    assert server.answers()  # PostgreSQL runs on without its owner

    status = _cli(server, "status")
    assert status.returncode == 0 and f"running (pid {orphan})" in status.stderr and "owned" not in status.stderr
    again = _cli(server, "run", "--", sys.executable, "-c", "print('the command ran')")
    assert again.returncode == 0 and "the command ran" in again.stdout, again.stderr
    assert f"reusing the server already running (pid {orphan})" in again.stderr
    assert not server.answers() and server.postmaster_pid() is None  # the new owner stopped it


def test_a_server_that_neither_answers_nor_exits_is_a_clear_error(server, processes):
    _start(server)
    template = (server.data / "postmaster.pid").read_text()
    server.stop()
    # A stand-in that looks like this folder's postmaster (its name, its working folder) and hangs.
    stand_in = server.root / "postgres"
    stand_in.symlink_to(shutil.which("sleep"))
    hung = subprocess.Popen([str(stand_in), "120"], cwd=server.data)
    processes.append(hung)
    deadline = time.monotonic() + WAIT
    while "(postgres)" not in Path(f"/proc/{hung.pid}/stat").read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _stale_pid_file(server, hung.pid, template)

    with pytest.raises(
        EmbeddedDbError, match=rf"did not answer in time \(pid {hung.pid} is postgres\).*kill {hung.pid}"
    ):
        _start(server, timeout=2)
    assert hung.poll() is None  # not ours to kill: the message names it


def test_a_socket_path_too_long_is_refused(tmp_path):
    server = Server(tmp_path / ("deep" * 30))
    with pytest.raises(EmbeddedDbError, match="longer than a Unix socket allows.*EMBEDDED_DB_DIR"):
        _start(server)


@pytest.mark.skipif(os.geteuid() != 0, reason="the user namespace is how root runs PostgreSQL")
def test_as_root_without_unshare_it_says_what_to_do(server):
    result = _cli(server, "run", "--", "true", env={**_env(server), "PATH": str(server.root / "no-tools-here")})
    assert result.returncode == 1
    assert "PostgreSQL will not run as root" in result.stderr and "unshare" in result.stderr, result.stderr
    assert server.postmaster_pid() is None
