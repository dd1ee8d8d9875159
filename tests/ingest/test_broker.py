"""Our Redis transport: one redis-py client for kombu's short commands, and the ack emulation's writes sent
without waiting for their replies (claims_tracker.celery._DeferredReplies), with kombu's keys and semantics."""

from __future__ import annotations

import gc
import logging
import sys
import uuid

import pytest
from celery import signals
from django.conf import settings
from kombu import Connection

from claims_tracker.celery import RedisTransport

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs a redis:// broker")


@pytest.fixture
def connection():
    # Unacked keys of its own, so a worker or another test on the same Redis cannot touch this test's state.
    keys = f"test-broker-{uuid.uuid4().hex}"
    options = {"visibility_timeout": 30, "unacked_key": f"{keys}-unacked", "unacked_index_key": f"{keys}-index"}
    conn = Connection(settings.CELERY_BROKER_URL, transport=RedisTransport, transport_options=options)
    yield conn
    client = conn.default_channel._create_client()
    client.delete(options["unacked_key"], options["unacked_index_key"])
    conn.release()


@pytest.fixture
def queue(connection):
    queue = connection.SimpleQueue(f"test-broker-{uuid.uuid4().hex}")
    yield queue
    queue.clear()
    queue.close()


def _unacked(channel, tag) -> tuple[bool, bool]:
    """Whether the delivery is in the unacked hash and in its index, as another client sees it."""
    client = channel._create_client()
    return client.hexists(channel.unacked_key, tag), client.zscore(channel.unacked_index_key, tag) is not None


def _kill_writer_connection(channel) -> None:
    """Have the server close the deferred writes' connection, as an idle timeout or a restart would."""
    host, port = channel.qos._deferred._connection._sock.getsockname()[:2]
    assert channel._create_client().client_kill_filter(_type=None, addr=f"{host}:{port}") == 1


def test_the_app_uses_it_for_a_redis_broker():
    assert settings.CELERY_BROKER_TRANSPORT == "claims_tracker.celery:RedisTransport"
    with Connection(settings.CELERY_BROKER_URL, transport=settings.CELERY_BROKER_TRANSPORT) as conn:
        assert isinstance(conn.transport, RedisTransport)


def test_one_client_per_pool_and_a_new_one_for_a_new_pool(connection):
    channel = connection.channel()
    first = channel._create_client()
    assert channel._create_client() is first
    assert first.connection_pool is channel.pool
    channel._after_fork()  # what a forked child does: its own pools, so its own client
    second = channel._create_client()
    assert second is not first
    assert second.connection_pool is channel.pool
    # The long-lived asynchronous clients (BRPOP, pub/sub) are still built one per use by kombu.
    assert channel._create_client(asynchronous=True) is not channel._create_client(asynchronous=True)


def test_a_message_stays_unacked_until_acked(queue):
    channel = queue.channel
    queue.put({"article": 1})
    message = queue.get(timeout=5)
    # Sent, not waited for: the reply of the delivery's write is read at the next write (or a wait).
    assert len(channel.qos._deferred._unconfirmed) == 1
    channel.qos.wait_for_writes()
    assert not channel.qos._deferred._unconfirmed
    # Delivered, not acked: held in the unacked hash, where a dead worker's messages are restored from.
    assert _unacked(channel, message.delivery_tag) == (True, True)
    message.ack()
    channel.qos.wait_for_writes()
    assert _unacked(channel, message.delivery_tag) == (False, False)
    assert message.payload == {"article": 1}


def test_a_message_never_acked_goes_back_to_its_queue_when_the_connection_closes(connection, queue):
    # A worker stopping with a task unfinished: kombu restores what is unacked, after the deferred writes.
    worker = Connection(
        settings.CELERY_BROKER_URL, transport=RedisTransport, transport_options=connection.transport_options
    )
    queue.put({"article": 2})
    message = worker.SimpleQueue(queue.queue.name).get(timeout=5)
    assert worker.default_channel.qos._deferred._unconfirmed  # its delivery's write not confirmed yet
    worker.release()
    assert queue.get(timeout=5).payload == message.payload == {"article": 2}


def test_an_error_reply_is_logged_and_later_writes_go_through(queue, caplog):
    channel = queue.channel
    client = channel._create_client()
    client.set(channel.unacked_index_key, "not a sorted set")  # the delivery's ZADD will fail inside EXEC
    queue.put({"article": 3})
    message = queue.get(timeout=5)
    with caplog.at_level(logging.ERROR, logger="claims_tracker.celery"):
        channel.qos.wait_for_writes()
    assert "a deferred broker write failed" in caplog.text and "WRONGTYPE" in caplog.text
    assert client.hexists(channel.unacked_key, message.delivery_tag)  # the HSET of the same transaction was applied
    client.delete(channel.unacked_index_key)
    message.ack()
    channel.qos.wait_for_writes()
    assert _unacked(channel, message.delivery_tag) == (False, False)


def test_a_connection_the_server_closed_while_idle_is_replaced_before_writing(queue):
    channel = queue.channel
    queue.put({"article": 4})
    message = queue.get(timeout=5)
    channel.qos.wait_for_writes()
    _kill_writer_connection(channel)
    old = channel.qos._deferred._connection
    message.ack()
    assert channel.qos._deferred._connection is not old
    channel.qos.wait_for_writes()
    assert _unacked(channel, message.delivery_tag) == (False, False)


def test_writes_whose_replies_were_lost_are_sent_again_in_order(queue):
    channel = queue.channel
    queue.put({"article": 5})
    queue.put({"article": 6})
    first = queue.get(timeout=5)
    _kill_writer_connection(channel)  # the delivery's write is sent; its reply will never be read
    first.ack()  # reads the lost reply, sends the delivery and the ack again, in order
    second = queue.get(timeout=5)
    channel.qos.wait_for_writes()
    assert _unacked(channel, first.delivery_tag) == (False, False)
    assert _unacked(channel, second.delivery_tag) == (True, True)
    second.ack()
    channel.qos.wait_for_writes()
    assert _unacked(channel, second.delivery_tag) == (False, False)


def test_when_redis_is_out_of_reach_the_write_goes_kombus_way(queue, monkeypatch):
    channel = queue.channel
    queue.put({"article": 7})
    message = queue.get(timeout=5)
    channel.qos.wait_for_writes()
    deferred = channel.qos._deferred

    def refuse(*_args, **_kwargs):
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(deferred, "_writable_connection", refuse)
    message.ack()  # refused here, so written by kombu's synchronous path instead
    assert _unacked(channel, message.delivery_tag) == (False, False)


@pytest.mark.parametrize("signal", [signals.worker_ready, signals.worker_process_init], ids=lambda s: s.name)
def test_a_worker_freezes_its_heap_once_started(signal):
    # A full collection then walks only what the worker made since (claims_tracker.celery._freeze_startup_heap).
    gc.unfreeze()
    try:
        signal.send(sender=None)
        assert gc.get_freeze_count() > 10_000
        assert "trafilatura" in sys.modules  # the ingestion modules were imported first, and frozen with the rest
    finally:
        gc.unfreeze()
