"""The total deadline of a fetch: a watchdog shuts the fetch's sockets down when it passes.

Per-operation socket timeouts cannot bound a fetch: a server dripping one byte a second (in its TLS handshake,
its headers or its body) answers every read in time. So each socket a fetch opens is put under the fetch's
Watchdog as soon as it exists, and when the deadline passes the watchdog shuts it down: the blocked read ends at
once and the client reports a Timeout.

The watchdog keeps a duplicate of each socket (socket.dup: another descriptor for the same connection), so a
shutdown still reaches the connection after TLS has taken the original socket object over (wrap_socket detaches
it); the duplicates are closed when the fetch ends.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Deadlines:
    """One thread per process fires every fetch's watchdog when its deadline passes.

    A threading.Timer per fetch started a thread per fetch, and Thread.start() waits until the new thread runs:
    on a busy two-core worker that cost about as much as fetching a local page. Forked children (prefork
    workers) start with an empty heap and start their own thread on their first fetch.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watchdog: Watchdog) -> None:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (watchdog.deadline, next(self._order), watchdog))
            if self._heap[0][2] is watchdog:
                self._cond.notify()  # the new deadline is the earliest: wake the thread to wait less

    def _run(self) -> None:
        while True:
            due = []
            with self._cond:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][2].cancelled):
                    watchdog = heapq.heappop(self._heap)[2]
                    if not watchdog.cancelled:
                        due.append(watchdog)
                if not due:
                    self._cond.wait(self._heap[0][0] - now if self._heap else None)
            for watchdog in due:
                watchdog.fire()


_deadlines = Deadlines()


def reset_after_fork() -> None:
    global _deadlines
    _deadlines = Deadlines()  # the parent's thread did not survive the fork, and its lock may be held


os.register_at_fork(after_in_child=reset_after_fork)


class Watchdog:
    """Shuts every socket of one fetch down when the total deadline passes."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self.cancelled = False
        self._sockets: list[socket.socket] = []  # our duplicates
        self._lock = threading.Lock()
        _deadlines.add(self)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def add(self, sock: socket.socket) -> None:
        """Put `sock`'s connection under this deadline (shut down at once if it has passed)."""
        duplicate = sock.dup()
        with self._lock:
            if not (self.fired or self.cancelled):
                self._sockets.append(duplicate)
                return
            if self.fired:
                self._shutdown(duplicate)
        duplicate.close()

    def fire(self) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.fired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        """The fetch is over: never fire, and close the duplicates (the entry waits in the heap, kept small)."""
        with self._lock:
            self.cancelled = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


_current = threading.local()  # .watchdog: the deadline of the fetch this thread is running


@contextmanager
def deadline(seconds: float) -> Iterator[Watchdog]:
    """The block is one fetch: sockets passed to `watch` in this thread are under its deadline until it ends."""
    watchdog = _current.watchdog = Watchdog(seconds)
    try:
        yield watchdog
    finally:
        watchdog.cancel()
        _current.watchdog = None


def watch(sock: socket.socket) -> None:
    """Put `sock` under the deadline of the fetch this thread is running, if any."""
    watchdog = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.add(sock)
