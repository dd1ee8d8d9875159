"""What a Celery worker process does once started: freeze its startup heap (gc.freeze).

Imported by every worker (settings.CELERY_IMPORTS) before its pool starts, so the handlers below are connected in
the process that runs the tasks, whichever pool it is: the prefork pool's children send worker_process_init after
the fork, the solo pool sends it in the worker itself, and worker_ready comes once the worker is up (the thread
pool's tasks run in that process). Web processes never import it.
"""

import gc

from celery import signals


@signals.worker_process_init.connect
@signals.worker_ready.connect
def freeze_startup_heap(**_kwargs) -> None:
    """Move everything alive once the worker is up into the collector's permanent generation (gc.freeze).

    A full collection walks every tracked object; a worker holds over 100,000 of them after its imports (Django,
    lxml, trafilatura, the attribution lexicon), which makes each one cost about 90-130 ms here, and ingestion
    creates enough long-lived objects to trigger one every so many articles. Frozen objects are never walked, so
    a full collection only sees what the worker made since (well under a millisecond). The ingestion modules are
    imported first, so their objects are frozen too.
    """
    from claims_tracker.ingest import attribution, extraction  # noqa: F401 - imported for their objects

    gc.collect()
    gc.freeze()
