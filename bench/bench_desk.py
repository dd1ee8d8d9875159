"""Desk benchmark: server time of every desk page an editor opens, at 1M claims and 100k candidates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench_1m .venv/bin/python bench/bench_desk.py \
        [--claims 1000000] [--candidates 100000]

Loads synthetic claims (bench/synthetic.py) and synthetic triage candidates up to the sizes asked (both
idempotent: a second run adds nothing), logs a reviewer in, and times in-process django.test.Client requests
(URL resolution, middleware, view, ORM, templates; no network or WSGI server), as bench_reader.py does. Prints
median and p95 per page and its query count, against the issue's budget of 150 ms of server time per page.
Asserts nothing beyond each page answering 200.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.bench_reader import RUNS, WARMUP, time_page  # noqa: E402  (sets production settings up first)
from bench.dbsetup import ensure_migrated_database  # noqa: E402
from bench.synthetic import ensure_synthetic_claims  # noqa: E402
from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, Story  # noqa: E402
from claims_tracker.ingest.models import Candidate, CandidateState  # noqa: E402

BUDGET_MS = 150
BATCH = 5_000
SYNTHETIC_SPEAKER = "syn-candidate"  # speaker_text of the candidates this script writes


def ensure_candidates(n: int) -> int:
    """At least `n` synthetic candidates, one per synthetic article, 70% new, 20% accepted, 10% rejected."""
    have = Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).count()
    if have >= n:
        return 0
    taken = Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).values("article_id")
    rows = (
        Claim.objects.filter(appearances__article__title__startswith="Synthetic report ")
        .exclude(appearances__article__in=taken)
        .values_list("pk", "text", "claimant_id", "appearances__article_id")
        .order_by("pk")
        .distinct("pk")[: n - have]
    )
    batch: list[Candidate] = []
    for k, (claim_id, text, claimant_id, article_id) in enumerate(rows.iterator(chunk_size=BATCH)):
        state = CandidateState.NEW if k % 10 < 7 else CandidateState.ACCEPTED if k % 10 < 9 else CandidateState.REJECTED
        batch.append(
            Candidate(
                article_id=article_id,
                sentence=f"Officials said {text}",
                statement=text,
                quote=text,
                speaker_text=SYNTHETIC_SPEAKER,
                claimant_id=claimant_id,
                verb="said",
                confidence=0.9,
                start_offset=0,
                end_offset=len(text) + 15,
                state=state,
                claim_id=claim_id if state == CandidateState.ACCEPTED else None,
            )
        )
        if len(batch) == BATCH:
            Candidate.objects.bulk_create(batch)
            batch.clear()
    Candidate.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ingest_candidate")
    return Candidate.objects.filter(speaker_text=SYNTHETIC_SPEAKER).count() - have


def reviewer_client() -> Client:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench-desk", defaults={"email": "bench@example.org"})
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in ("editor", "reviewer")))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def pages() -> dict[str, list[str]]:
    ids = Claim.objects.filter(merged_into__isnull=True).order_by("-pk").values_list("pk", flat=True)
    total = ids.count()
    claims = [ids[(k * 7919) % total] for k in range(10)]
    new = list(Candidate.objects.filter(state=CandidateState.NEW).order_by("-pk").values_list("pk", "article_id")[:10])
    first = {
        model.__name__: model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for model in (Claimant, Story, Outlet, Article)
    }
    return {
        "desk home": ["/desk/"],
        "claims (recently changed)": ["/desk/claims/"],
        "claims, search 'Soledar'": ["/desk/claims/?q=Soledar", "/desk/claims/?q=Bakhmut"],
        "claims, state disputed": ["/desk/claims/?status=disputed"],
        "claim edit page": [f"/desk/claims/{pk}/" for pk in claims],
        "claim merge page": [f"/desk/claims/{pk}/merge/" for pk in claims],
        "triage a candidate": [f"/desk/triage/{pk}/" for pk, _ in new],
        "report page (its candidates)": [f"/desk/reports/{article}/" for _, article in new],
        "claimants": ["/desk/claimants/", "/desk/claimants/?q=Spokesperson"],
        "claimant edit page": [f"/desk/claimants/{first['Claimant']}/"],
        "stories": ["/desk/stories/"],
        "story edit page": [f"/desk/stories/{first['Story']}/"],
        "outlets": ["/desk/outlets/"],
        "accounts (reviewers)": ["/desk/accounts/"],
        "add a report (form)": ["/desk/reports/new/"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL bench database, e.g. postgres://postgres@127.0.0.1:5432/ct_bench_1m")
    ensure_migrated_database()
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)  # hashed names, as in production
    started = time.monotonic()
    ensure_synthetic_claims(args.claims)
    added = ensure_candidates(args.candidates)
    print(f"data ready in {time.monotonic() - started:.0f}s ({added:,} candidates added)")
    print(
        f"database {settings.DATABASES['default']['NAME']}: {Claim.objects.count():,} claims, "
        f"{Candidate.objects.count():,} candidates; in-process django.test.Client, {RUNS} runs after {WARMUP} "
        f"warm-up, DEBUG={settings.DEBUG}"
    )
    client = reviewer_client()
    print(f"  {'page':34} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    over = []
    for name, urls in pages().items():
        median, p95, queries = time_page(client, urls)
        flag = "" if p95 <= BUDGET_MS else f"  OVER {BUDGET_MS} ms"
        if flag:
            over.append(name)
        print(f"  {name:34} {median:10.1f} {p95:9.1f} {queries:8d}{flag}", flush=True)
    print(f"pages over {BUDGET_MS} ms at p95: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
