"""Where one article's pipeline time goes, in-process: each stage timed, each stage's statements counted.

Runs the task's own code (`fetch_article.run`, relate_candidates in-process as eager tasks run) on the 10 corpus
pages served by bench_fetch's server on 127.0.0.1, in this process, as a worker would (autocommit, DEBUG off,
connection kept). Each stage is a public function of ours, wrapped here with perf_counter; the statements are
counted and timed by a connection.execute_wrapper and charged to the stage running them. Beside it, extraction
alone on the same bytes (bench_tasks.extract_alone's work), in the same process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_ingest_bench .venv/bin/python bench/profile_ingest.py \
        [--rounds 5] [--cprofile 25]

The database named in DATABASE_URL is created and migrated if missing, and its articles are deleted: give it
one of its own. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_ingest_bench")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # relate_candidates runs here, after the article's commit
os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
if os.environ["DJANGO_DEBUG"] == "0":
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

_stack: list[str] = ["task (rest)"]
seconds: dict[str, float] = defaultdict(float)  # exclusive time by stage
statements: dict[str, int] = defaultdict(int)
statement_seconds: dict[str, float] = defaultdict(float)


def timed(name: str, function):
    """The function, its time charged to `name` (less the time of stages nested in it)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _stack.append(name)
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            _stack.pop()
            seconds[name] += spent
            seconds[_stack[-1]] -= spent  # exclusive: the parent does not count it again

    return wrapper


def count_statement(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        statements[_stack[-1]] += 1
        statement_seconds[_stack[-1]] += time.perf_counter() - started


def install() -> None:
    """Wrap the stages where the pipeline looks them up (module attributes, read when it runs)."""
    from claims_tracker.archive import services as archive_services
    from claims_tracker.archive import warc
    from claims_tracker.factchecks import services as factchecks
    from claims_tracker.ingest import attribution, bearing, extraction, fetching
    from claims_tracker.ingest.pipeline import claim, copies, find, page, steps, store

    for module, name, label in (
        (claim, "article_claim", "claim (UPDATE)"),
        (claim, "article_mark_extracting", "extracting marker"),
        (fetching, "safe_fetch", "fetch"),
        (extraction, "extract", "extraction"),
        (page, "page_fields", "page fields"),
        (steps, "content_hash", "content hash"),
        (copies, "copy_fields", "minhash signature"),
        (copies, "article_original", "copies lookup"),
        (find, "_matcher", "matcher (cached)"),
        (attribution, "find_attributions", "attribution finder"),
        (factchecks, "page_reviews", "claimreview scan"),
        (factchecks, "without_junk", "claimreview scan"),
        (store, "article_store", "store"),
        (archive_services, "article_archive", "archive (rest)"),
        (warc, "build", "archive: WARC gzip"),
        (bearing, "article_relate", "relate"),
    ):
        setattr(module, name, timed(label, getattr(module, name)))
    storage = archive_services.archive_storage()
    storage.save = timed("archive: file save", storage.save)
    archive_services.archive_storage = lambda: storage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the 10 pages (a warm-up round first)")
    parser.add_argument("--cprofile", type=int, default=0, help="also print this many functions by cumulative time")
    args = parser.parse_args()
    from bench.dbsetup import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from bench.bench_fetch import start_server, stop_server
    from claims_tracker.claims.models import Article, IngestState
    from claims_tracker.ingest import extraction, services, tasks
    from claims_tracker.ingest.pipeline import find

    files = sorted(CORPUS.glob("*.html"))
    bodies = [path.read_bytes() for path in files]
    server, port = start_server()
    urls = [f"http://127.0.0.1:{port}/p/{i}.html" for i in range(len(files))]
    extract_alone = extraction.extract  # before the stages are wrapped
    totals: dict[str, float] = defaultdict(float)
    total_statements: dict[str, int] = defaultdict(int)
    total_statement_seconds: dict[str, float] = defaultdict(float)
    find._MATCHER_RECHECK = 3600.0  # a worker's matcher, settled: its fingerprint read once a second at most
    install()
    profiler = cProfile.Profile() if args.cprofile else None
    alone = task_seconds = 0.0
    articles = 0
    try:
        with connection.execute_wrapper(count_statement):
            for round_no in range(args.rounds + 1):
                Article.objects.all().delete()
                ids = [services.article_for_url(url=url, enqueue=False)[0].pk for url in urls]
                started = time.perf_counter()
                for body, url in zip(bodies, urls, strict=True):
                    extract_alone(body, url=url)
                alone += time.perf_counter() - started
                seconds.clear(), statements.clear(), statement_seconds.clear()
                if profiler and round_no:
                    profiler.enable()
                started = time.perf_counter()
                for article_id in ids:
                    tasks.fetch_article.run(article_id)
                spent = time.perf_counter() - started
                if profiler and round_no:
                    profiler.disable()
                if not round_no:  # the warm-up round is left out
                    alone = 0.0
                    continue
                task_seconds += spent
                articles += len(ids)
                seconds["task (rest)"] += spent
                for name in seconds:
                    totals[name] += seconds[name]
                for name in statements:
                    total_statements[name] += statements[name]
                    total_statement_seconds[name] += statement_seconds[name]
                failed = Article.objects.exclude(ingest_state=IngestState.DONE).values_list("url", "last_error")
                for url, error in failed:
                    print(f"  not done: {url}: {error}")
    finally:
        stop_server(server)
    print(f"{articles} articles in {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}")
    print(f"extraction alone: {alone / articles * 1000:.2f} ms/article")
    print(f"the task, relate included: {task_seconds / articles * 1000:.2f} ms/article")
    print(f"{'stage':<24}{'ms/article':>11}{'statements':>12}{'in SQL ms':>11}")
    for name, spent in sorted(totals.items(), key=lambda item: -item[1]):
        print(
            f"{name:<24}{spent / articles * 1000:11.2f}{total_statements[name] / articles:12.1f}"
            f"{total_statement_seconds[name] / articles * 1000:11.2f}"
        )
    print(f"{'all':<24}{task_seconds / articles * 1000:11.2f}{sum(total_statements.values()) / articles:12.1f}")
    if profiler:
        profiler.dump_stats(os.environ.get("PROFILE_OUT", "/tmp/profile_ingest.prof"))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
