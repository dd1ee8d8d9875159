"""Ingestion throughput: articles per second through the whole pipeline with one and two workers.

The 10 corpus pages (../shared/corpus/articles/html) are served by an HTTP server on 127.0.0.1. For each
worker count, real `celery worker` processes (solo pool, one task at a time each) run on the real Redis; every
round submits the 10 URLs as an editor would (article_submit_url -> fetch -> extract -> dedupe -> candidates)
and waits until all are done. Between rounds the articles are deleted so each round does the full work.
Beside it: extraction alone (extraction.extract on the same bytes, in this process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_ingest_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/bench_ingest.py [--rounds 5]

The database named in DATABASE_URL is created and migrated if missing, and its articles are deleted: give it
one of its own. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_ingest_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")


def ensure_database() -> None:
    import psycopg
    from dj_database_url import parse

    cfg = parse(os.environ["DATABASE_URL"])
    admin = (
        f"host={cfg['HOST'] or '127.0.0.1'} port={cfg['PORT'] or 5432} user={cfg['USER'] or 'postgres'} dbname=postgres"
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found"
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def start_workers(n: int, logdir: Path) -> list[subprocess.Popen]:
    celery = str(Path(sys.executable).with_name("celery"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), DB_CONN_MAX_AGE="60", LOG_LEVEL="WARNING")
    procs = []
    for i in range(n):
        log = open(logdir / f"worker{i}.log", "wb")  # noqa: SIM115 - lives as long as the worker
        args = [celery, "-A", "claims_tracker", "worker", "-Q", "ingest,default", "-P", "solo", "-n", f"bench{i}@%h"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        procs.append(
            subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def run_round(urls: list[str], timeout: float = 300) -> float:
    from claims_tracker.claims.models import Article, IngestState
    from claims_tracker.ingest import services

    Article.objects.all().delete()
    started = time.perf_counter()
    for url in urls:
        services.article_submit_url(url=url)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        states = list(Article.objects.values_list("ingest_state", flat=True))
        if len(states) >= len(urls) and all(s in (IngestState.DONE, IngestState.FAILED) for s in states):
            elapsed = time.perf_counter() - started
            failed = Article.objects.filter(ingest_state=IngestState.FAILED).values_list("url", "last_error")
            for url, error in failed:
                print(f"    failed: {url}: {error}")
            return elapsed
        time.sleep(0.025)
    raise TimeoutError("the round did not finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the 10 pages per measurement")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"No corpus at {CORPUS}")
    ensure_database()
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("ingest", "default", "unacked", "unacked_index")

    from claims_tracker.ingest.attribution import find_attributions
    from claims_tracker.ingest.extraction import extract

    files = sorted(CORPUS.glob("*.html"))
    pages = {f"/p/{i}.html": path.read_bytes() for i, path in enumerate(files)}
    httpd = serve(pages)
    urls = [f"http://127.0.0.1:{httpd.server_port}{path}" for path in pages]
    n = len(urls)
    print(f"{n} corpus pages, {sum(map(len, pages.values())) / 1e6:.1f} MB; {args.rounds} rounds per figure")

    # Extraction alone, and attribution finding alone, in this process.
    bodies = list(zip(urls, pages.values(), strict=True))
    for url, body in bodies:
        extract(body, url=url)  # warm-up: imports, lxml, trafilatura caches

    def extraction_round() -> float:
        started = time.perf_counter()
        for url, body in bodies:
            extract(body, url=url)
        return time.perf_counter() - started

    texts = [extract(body, url=url).text for url, body in bodies]
    started = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            find_attributions(text)
    attribution = (time.perf_counter() - started) / (args.rounds * n)

    # The machine is shared, so extraction-alone rounds are interleaved with pipeline rounds: both then run
    # under the same background load, and the overhead compares like with like.
    pipeline, alone = {}, {}
    with tempfile.TemporaryDirectory() as logdir:
        for workers in (1, 2):
            procs = start_workers(workers, Path(logdir))
            try:
                run_round(urls, timeout=120)  # warm-up: worker start, imports, connections
                pipe_times, alone_times = [], []
                for _ in range(args.rounds):
                    alone_times.append(extraction_round())
                    pipe_times.append(run_round(urls))
            finally:
                stop_workers(procs)
            pipeline[workers] = sum(pipe_times) / (args.rounds * n)
            alone[workers] = sum(alone_times) / (args.rounds * n)
    extraction = alone[1]
    print(f"extraction alone:            {1 / extraction:7.1f} articles/s  ({extraction * 1000:6.1f} ms/article)")
    print(f"attribution finding alone:   {1 / attribution:7.1f} articles/s  ({attribution * 1000:6.1f} ms/article)")
    for workers, per_article in pipeline.items():
        label = f"pipeline, {workers} worker{'s' if workers > 1 else ''}:"
        print(f"{label:<29}{1 / per_article:7.1f} articles/s  ({per_article * 1000:6.1f} ms/article)")
    overhead = pipeline[1] / extraction - 1
    print(f"pipeline overhead over extraction alone (1 worker): {overhead * 100:+.0f}%")
    print(f"  of which attribution finding: {attribution / extraction * 100:+.0f}% (part of the pipeline)")
    print(f"speed-up with 2 workers: x{pipeline[1] / pipeline[2]:.2f} (machine has {os.cpu_count()} CPUs)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")
    httpd.shutdown()


if __name__ == "__main__":
    main()
