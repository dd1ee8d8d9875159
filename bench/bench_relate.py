"""Relating an article (ingest.bearing.article_relate: its candidates' matches, bearing suggestions, groups):
milliseconds and queries per article, on the corpus reports, at N claims.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_relate_bench .venv/bin/python bench/bench_relate.py [N]

Loads synthetic claims (bench/synthetic.py) up to N (default 10,000; 0 for none) and the Soledar demo, stores
the 10 corpus pages' extracted text as articles with their candidates (once), then relates every article,
RUNS times (BENCH_RUNS, default 5), undoing what relating wrote between runs. Prints figures; asserts nothing.
The database named in DATABASE_URL is created and migrated if missing: give it one of its own.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-relate-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.demo import load_demo  # noqa: E402
from claims_tracker.claims.models import Article  # noqa: E402
from claims_tracker.ingest import extraction  # noqa: E402
from claims_tracker.ingest import services as ingest  # noqa: E402
from claims_tracker.ingest.bearing import article_relate  # noqa: E402
from claims_tracker.ingest.models import BearingSuggestion, Candidate, CandidateGroup  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TITLE = "bench-relate corpus page {}"


def corpus_articles() -> list[int]:
    """The corpus pages as pasted articles with their candidates, stored once and reused."""
    ids = []
    for i, path in enumerate(sorted(CORPUS.glob("*.html"))):
        title = TITLE.format(i)
        article = Article.objects.filter(title=title).first()
        if article is None:
            text = extraction.extract(path.read_bytes(), url=f"https://example.org/bench-relate/{i}").text
            article, _new = ingest.article_submit_text(text=text, title=title, enqueue=False)
            ingest.article_find_candidates(article.pk)
        ids.append(article.pk)
    return ids


def undo(ids: list[int]) -> None:
    BearingSuggestion.objects.filter(candidate__article_id__in=ids).delete()
    Candidate.objects.filter(article_id__in=ids).update(group=None, likely_claim=None)
    CandidateGroup.objects.filter(members__isnull=True).delete()


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ensure_migrated_database()
    if size:
        ensure_synthetic_claims(size)
    load_demo()
    ids = corpus_articles()
    counts = dict(Candidate.objects.filter(article_id__in=ids).values_list("article_id").annotate(n=Count("pk")))
    undo(ids)
    article_relate(ids[0])  # warm-up: word statistics, the claimant cache
    undo(ids)
    times: list[float] = []
    queries: list[int] = []
    made = grouped = 0
    for _run in range(RUNS):
        for pk in ids:
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                made, grouped = article_relate(pk)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(ctx.captured_queries))
        undo(ids)
    candidates = sum(counts.values())
    print(f"{size:,} synthetic claims + the demo; {len(ids)} articles, {candidates} candidates; {RUNS} runs")
    print(
        f"article_relate: median {statistics.median(times):.1f} ms/article, mean {statistics.mean(times):.1f}, "
        f"max {max(times):.1f}; queries/article: median {statistics.median(queries):.0f}, max {max(queries)}"
    )
    print(f"  per candidate: {sum(times) / RUNS / candidates:.2f} ms (last article: {made} made, {grouped} grouped)")
    print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
