"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import gc
import os

from celery import Celery, signals
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

app = Celery("claims_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class _RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, reusing one redis-py client per connection pool for its short commands.

    kombu builds a new `redis.Redis` for every such command, and a redis-py client copies its ~170 response
    callbacks when built: 0.1-0.2 ms, spent twice per task (recording the delivery as unacked, then the ack).
    A client holds no connection of its own (each command borrows one from the pool), so one can serve them all;
    it is rebuilt if the pool is replaced (after a fork, after a reconnect). The long-lived BRPOP and pub/sub
    clients are kombu's as before, and the ack emulation (unacked hash, visibility timeout) is unchanged.
    """

    _sync_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._sync_client
        if client is None or client.connection_pool is not self.pool:
            client = self._sync_client = super()._create_client()
        return client


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
