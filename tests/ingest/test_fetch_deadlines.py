"""The fetch watchdog: one thread per process fires each fetch's deadline on time, and never a cancelled one."""

from __future__ import annotations

import multiprocessing
import socket
import time

from claims_tracker.ingest.fetching import deadlines


def _wait_for(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_a_deadline_shuts_the_fetch_sockets_down():
    ours, theirs = socket.socketpair()
    try:
        watchdog = deadlines.Watchdog(0.2)
        watchdog.add(ours)
        assert not watchdog.fired
        assert _wait_for(lambda: watchdog.fired)
        assert ours.recv(1) == b""  # shut down: reads end at once, as a dripping server's would
    finally:
        watchdog.cancel()
        ours.close()
        theirs.close()


def test_a_deadline_reaches_a_socket_whose_object_tls_took_over():
    ours, theirs = socket.socketpair()
    watchdog = deadlines.Watchdog(0.2)
    try:
        watchdog.add(ours)
        taken = socket.socket(fileno=ours.detach())  # what ssl's wrap_socket does with the socket it wraps
        taken.settimeout(5)  # a deadline that did not reach it fails here instead of hanging
        assert _wait_for(lambda: watchdog.fired)
        assert taken.recv(1) == b""
    finally:
        watchdog.cancel()
        taken.close()
        theirs.close()


def test_a_finished_fetch_holds_no_connection_open():
    ours, theirs = socket.socketpair()
    watchdog = deadlines.Watchdog(60)
    watchdog.add(ours)
    watchdog.cancel()
    ours.close()
    theirs.settimeout(5)
    try:
        assert theirs.recv(1) == b""  # the other end sees the close: the watchdog kept no descriptor of it
    finally:
        theirs.close()


def test_a_later_fetch_with_a_shorter_deadline_is_not_kept_waiting():
    slow = deadlines.Watchdog(60)
    fast = deadlines.Watchdog(0.2)
    # Kept waiting behind the slow one, the fast one would fire after it, 60 s on: it fires first.
    assert _wait_for(lambda: fast.fired, timeout=30)
    assert not slow.fired
    slow.cancel()


def test_a_cancelled_watchdog_never_fires():
    ours, theirs = socket.socketpair()
    try:
        watchdog = deadlines.Watchdog(0.1)
        watchdog.add(ours)
        watchdog.cancel()
        time.sleep(0.4)
        assert not watchdog.fired
        theirs.sendall(b"x")
        assert ours.recv(1) == b"x"
    finally:
        ours.close()
        theirs.close()


def test_a_socket_added_after_the_deadline_is_shut_down_at_once():
    watchdog = deadlines.Watchdog(0.05)
    assert _wait_for(lambda: watchdog.fired)
    ours, theirs = socket.socketpair()
    try:
        watchdog.add(ours)
        assert ours.recv(1) == b""
    finally:
        watchdog.cancel()
        ours.close()
        theirs.close()


def _deadline_fires_in_child(result) -> None:
    watchdog = deadlines.Watchdog(0.1)
    result.put(_wait_for(lambda: watchdog.fired, timeout=5))


def test_deadlines_still_fire_in_a_forked_worker_process():
    deadlines.Watchdog(60).cancel()  # the parent's thread is running when the child is forked
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_deadline_fires_in_child, args=(result,))
    child.start()
    try:
        assert result.get(timeout=10) is True
    finally:
        child.join(timeout=10)
