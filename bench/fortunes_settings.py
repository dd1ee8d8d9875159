"""The app's settings, with the fortunes-style reference pages mounted beside the app's
(bench/fortunes.py): bench_reader_cache.py serves both from one gunicorn, so the reference pays
the same middleware, server and connection as the pages it is compared with."""

from claims_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.fortunes"
