"""Our Redis transport reuses one redis-py client for kombu's short commands; the ack emulation is unchanged."""

from __future__ import annotations

import gc
import os
import sys

import pytest
from celery import signals
from django.conf import settings
from kombu import Connection

from claims_tracker.celery import RedisTransport

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs a redis:// broker")


@pytest.fixture
def connection():
    conn = Connection(
        settings.CELERY_BROKER_URL, transport=RedisTransport, transport_options={"visibility_timeout": 30}
    )
    yield conn
    conn.release()


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


def test_a_message_stays_unacked_until_acked(connection):
    queue_name = f"test-broker-{os.getpid()}"
    queue = connection.SimpleQueue(queue_name)
    try:
        channel = queue.channel
        client = channel._create_client()
        queue.put({"article": 1})
        message = queue.get(timeout=5)
        # Delivered, not acked: held in the unacked hash, where a dead worker's messages are restored from.
        assert client.hexists(channel.unacked_key, message.delivery_tag)
        assert client.zscore(channel.unacked_index_key, message.delivery_tag) is not None
        message.ack()
        assert not client.hexists(channel.unacked_key, message.delivery_tag)
        assert client.zscore(channel.unacked_index_key, message.delivery_tag) is None
        assert message.payload == {"article": 1}
    finally:
        queue.clear()
        queue.close()


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
