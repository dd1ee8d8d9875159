"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import gc
import logging
import os
import select
import threading
from time import time

import redis
from celery import Celery, signals
from kombu.transport import redis as kombu_redis
from kombu.transport import virtual
from kombu.utils.json import dumps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

app = Celery("claims_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


_BROKEN = (redis.ConnectionError, redis.TimeoutError, OSError)


class _DeferredReplies:
    """A Redis connection of its own for writes whose replies are read at the next write, not waited for.

    The ack emulation writes twice per task (the delivery into the unacked hash before the task, its removal
    after), and waiting for each reply was a round trip per write in every task's time (bench/bench_ingest.py).
    Redis applies what one connection sends in order, so a reply read later changes only when an error is seen
    (an error reply is logged). Every write here is idempotent (ZADD, HSET, ZREM, HDEL of one delivery tag, as
    MULTI/EXEC like kombu's own), so a write whose reply never came is simply sent again, in order, on a fresh
    connection; a connection the server closed while idle is noticed before writing on it. If Redis cannot be
    reached at all, `send` answers False and the caller writes kombu's way, which raises as it always did.
    """

    def __init__(self, pool: redis.ConnectionPool):
        self.pool = pool
        self._connection = None
        self._unconfirmed: list[list[tuple]] = []  # batches sent whose replies are not read yet, oldest first
        self._pid = os.getpid()
        self._lock = threading.Lock()  # acks may come from a pool's threads

    def send(self, commands: list[tuple]) -> bool:
        batch = [("MULTI",), *commands, ("EXEC",)]
        with self._lock:
            try:
                self._confirm()
                self._write([batch])
                return True
            except _BROKEN as exc:
                log.warning("broker connection for deferred writes failed (%s); sending its writes again", exc)
                return self._recover([*self._unconfirmed, batch])

    def wait(self, timeout: float | None = None) -> None:
        """Read every reply still due, so the writes sent are applied before what the caller does next."""
        with self._lock:
            try:
                self._confirm(timeout)
            except _BROKEN as exc:
                log.warning("broker connection for deferred writes failed (%s); sending its writes again", exc)
                self._recover(self._unconfirmed)

    def close(self) -> None:
        self.wait(timeout=5.0)
        with self._lock:
            self._drop()

    def _write(self, batches: list[list[tuple]]) -> None:
        connection = self._writable_connection()
        commands = [command for batch in batches for command in batch]
        connection.send_packed_command(connection.pack_commands(commands), check_health=False)
        self._unconfirmed.extend(batches)

    def _writable_connection(self):
        if self._pid != os.getpid():  # a forked child: the parent's socket is not ours to use
            self._connection, self._unconfirmed, self._pid = None, [], os.getpid()
        connection = self._connection
        if connection is not None and not self._unconfirmed and _readable(connection):
            self._drop()  # nothing is due, so the server closed it (an idle timeout, a restart)
            connection = None
        if connection is None:
            connection = self._connection = self.pool.connection_class(**self.pool.connection_kwargs)
        return connection

    def _confirm(self, timeout: float | None = None) -> None:
        options = {} if timeout is None else {"timeout": timeout}
        while self._unconfirmed:
            for _command in self._unconfirmed[0]:
                try:
                    reply = self._connection.read_response(**options)
                except redis.ResponseError as exc:
                    log.error("a deferred broker write failed: %s", exc)
                    continue
                for item in reply if isinstance(reply, list) else ():
                    if isinstance(item, Exception):  # EXEC answers each command; a failed one is an error object
                        log.error("a deferred broker write failed: %s", item)
            self._unconfirmed.pop(0)

    def _recover(self, batches: list[list[tuple]]) -> bool:
        """Send these batches again on a fresh connection and wait for them; False if Redis is out of reach."""
        self._drop()
        try:
            self._write(batches)
            self._confirm()
            return True
        except _BROKEN as exc:
            log.error("could not write %d ack-emulation batch(es) to the broker: %s", len(batches), exc)
            self._drop()
            return False

    def _drop(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.disconnect()
        self._connection, self._unconfirmed = None, []


def _readable(connection) -> bool:
    sock = getattr(connection, "_sock", None)
    if sock is None:
        return False
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


class _QoS(kombu_redis.QoS):
    """kombu's Redis ack emulation, with its per-task writes sent without waiting for the reply (_DeferredReplies).

    The same keys, values and transactions as kombu's (the unacked hash and its index, from which a dead
    worker's messages are restored after the visibility timeout). Whatever reads that state first reads the
    replies still due, so it sees every write sent before it.
    """

    _deferred: _DeferredReplies | None = None

    def _writer(self) -> _DeferredReplies | None:
        if self.channel.global_keyprefix:
            return None  # kombu's prefixing client rewrites keys; leave it kombu's way
        if self._deferred is None or self._deferred.pool is not self.channel.pool:
            self._deferred = _DeferredReplies(self.channel.pool)
        return self._deferred

    def append(self, message, delivery_tag):
        writer = self._writer()
        delivery = message.delivery_info
        payload = dumps([message._raw, delivery["exchange"], delivery["routing_key"]])
        commands = [
            ("ZADD", self.unacked_index_key, time(), delivery_tag),
            ("HSET", self.unacked_key, delivery_tag, payload),
        ]
        if writer is None or not writer.send(commands):
            return super().append(message, delivery_tag)
        virtual.QoS.append(self, message, delivery_tag)

    def ack(self, delivery_tag):
        if not self._remove(delivery_tag):
            return super().ack(delivery_tag)
        virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        if requeue or not self._remove(delivery_tag):
            self.wait_for_writes()
            return super().reject(delivery_tag, requeue=requeue)
        virtual.QoS.ack(self, delivery_tag)

    def _remove(self, delivery_tag) -> bool:
        writer = self._writer()
        commands = [("ZREM", self.unacked_index_key, delivery_tag), ("HDEL", self.unacked_key, delivery_tag)]
        return writer is not None and writer.send(commands)

    def wait_for_writes(self) -> None:
        if self._deferred is not None:
            self._deferred.wait()

    def restore_unacked(self, client=None):
        self.wait_for_writes()
        return super().restore_unacked(client)

    def restore_visible(self, *args, **kwargs):
        self.wait_for_writes()
        return super().restore_visible(*args, **kwargs)

    def restore_by_tag(self, tag, client=None, leftmost=False):
        self.wait_for_writes()
        return super().restore_by_tag(tag, client=client, leftmost=leftmost)

    def close(self) -> None:
        if self._deferred is not None:
            self._deferred.close()


class _RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, reusing one redis-py client per connection pool for its short commands.

    kombu builds a new `redis.Redis` for every such command, and a redis-py client copies its ~170 response
    callbacks when built: 0.1-0.2 ms, spent twice per task (recording the delivery as unacked, then the ack).
    A client holds no connection of its own (each command borrows one from the pool), so one can serve them all;
    it is rebuilt if the pool is replaced (after a fork, after a reconnect). The long-lived BRPOP and pub/sub
    clients are kombu's as before. The ack emulation keeps kombu's keys and visibility timeout; its writes go
    through _QoS.
    """

    QoS = _QoS
    _sync_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._sync_client
        if client is None or client.connection_pool is not self.pool:
            client = self._sync_client = super()._create_client()
        return client

    def close(self):
        qos = self._qos
        if isinstance(qos, _QoS):
            qos.wait_for_writes()  # kombu restores what is still unacked as the channel closes: after our writes
        super().close()
        if isinstance(qos, _QoS):
            qos.close()


class RedisTransport(kombu_redis.Transport):
    """settings.CELERY_BROKER_TRANSPORT for redis:// brokers."""

    Channel = _RedisChannel


@signals.worker_process_init.connect  # each child of the prefork pool (the default), after the fork
@signals.worker_ready.connect  # solo and thread pools: the process that runs the tasks
def _freeze_startup_heap(**_kwargs) -> None:
    """Move everything alive once the worker is up into the collector's permanent generation (gc.freeze).

    A full collection walks every tracked object; a worker holds ~150,000 of them after its imports (Django,
    lxml, trafilatura, the attribution lexicon), which made each one cost about 150 ms here, and ingestion
    creates enough long-lived objects to trigger one every few dozen articles: 3 ms per article on average
    (bench/bench_ingest.py, gc.callbacks). Frozen objects are never walked, so a full collection only sees
    what the worker made since. The ingestion modules are imported first, so their objects are frozen too.
    """
    from claims_tracker.ingest import attribution, extraction  # noqa: F401 - imported for their objects

    gc.collect()
    gc.freeze()
