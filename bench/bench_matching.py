"""Suggestions for one candidate (ingest.claim_matching.claim_matches) at N claims: median and p95, queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench_100k .venv/bin/python bench/bench_matching.py 100000

Loads synthetic claims (bench/synthetic.py) up to N and the Soledar demo, then times the suggestions for
the seed report's candidates (real sentences, with and without a matched claimant) and for statements
shaped like the synthetic ones (which share their words with thousands of claims: the hard case for the
full-text and trigram pools). Prints the figures and the goal the issue sets (20 ms at 1M claims).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.demo import load_demo  # noqa: E402
from claims_tracker.claims.models import Claimant  # noqa: E402
from claims_tracker.ingest.attribution import find_attributions  # noqa: E402
from claims_tracker.ingest.claim_matching import Probe, claim_matches  # noqa: E402
from claims_tracker.ingest.matching import ClaimantMatcher  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_MS = 20.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def probes() -> list[tuple[str, Probe]]:
    seed = (ROOT / "tests" / "data" / "soledar_report.txt").read_text(encoding="utf-8")
    affiliation = dict(Claimant.objects.values_list("pk", "affiliation_id"))
    found = find_attributions(seed, matcher=ClaimantMatcher.from_db())
    rows = [
        (
            "seed",
            Probe(
                text=a.statement or a.sentence,
                quote=a.quote or a.statement,
                claimant_id=a.claimant_id,
                affiliation_id=affiliation.get(a.claimant_id),
            ),
        )
        for a in found
    ]
    synthetic_claimant = Claimant.objects.filter(slug="syn-claimant-1").values_list("pk", flat=True).first()
    for text in (
        "Russian forces have taken control of Bakhmut, the ministry said.",
        "Ukrainian forces repelled an assault on Avdiivka overnight.",
        "Drone units destroyed a depot in Melitopol.",
        "Wagner fighters are advancing towards Chasiv Yar and Kostiantynivka.",
    ):
        rows.append(("synthetic-shaped", Probe(text=text, claimant_id=synthetic_claimant)))
        rows.append(("synthetic-shaped, no claimant", Probe(text=text)))
    return rows


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    ensure_migrated_database()
    for size in sizes:
        ensure_synthetic_claims(size)
        load_demo()
        rows = probes()
        with CaptureQueriesContext(connection) as ctx:
            claim_matches(rows[0][1])
        times: dict[str, list[float]] = {}
        for _round in range(RUNS):
            for kind, probe in rows:
                started = time.perf_counter()
                claim_matches(probe)
                times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        every = [t for values in times.values() for t in values]
        print(f"\n{size:,} claims: {len(rows)} probes x {RUNS} rounds, {len(ctx.captured_queries)} query each")
        for kind, values in times.items():
            print(f"  {kind:32} median {statistics.median(values):7.1f} ms   p95 {percentile(values, 95):7.1f} ms")
        median, p95 = statistics.median(every), percentile(every, 95)
        print(f"  {'all':32} median {median:7.1f} ms   p95 {p95:7.1f} ms   (goal at 1M: {GOAL_MS:.0f} ms)")


if __name__ == "__main__":
    main()
