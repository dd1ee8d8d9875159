"""Matching and grouping on news reports: real claims, each reported by three outlets in their own words.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_eval_news .venv/bin/python bench/eval_matching_news.py \
        [--clef /tmp/clef/v3.0] [--dev -v]

The data (bench/data/matching_news.json) was written for this evaluation by an annotator (an AI helper) who had not
seen the matcher or the grouping rules, following the guide in bench/data/matching_news.md: real claims made in the
news from 2015 to 2025, each restated by three reports in the register of different outlets (a direct quote, a
paraphrase in indirect speech, a loose restatement naming the speaker by role or capital), and distractor claims by
the same claimants or on the same events that no report restates. The reports are our own sentences, not an
outlet's: they flatter a matcher less than copies of wire copy would, and more than tweets do (bench/eval_matching.py,
CLEF 2020, is the harder set). The claims are cut by event into a dev half and a test half (a hash of the event's
label), so claims about one event are never on both sides; the test half is the headline and its errors are never
printed.

The database is emptied (its name must start with ct_eval) and loaded the way the desk would hold it: each claimant
with its aliases (claims.services.claimant_create), each claim with its date (claim_create), the distractors too,
and with --clef the 10,375 Snopes-checked claims of CLEF 2020 as further real distractors. Each event's reports go
into three articles (the k-th report of every claim of the event in the k-th article: one outlet's story quoting
every side), each report a Candidate with the speaker as written, matched to a claimant by the pipeline's own
ClaimantMatcher. Then, as the pipeline does after each article, ingest.bearing.article_relate groups the articles'
candidates in date order.

Printed, per half: top-1 and top-3 accuracy of ingest.claim_matching's ranking (the right claim first / in the first
three), the share of right first matches at or above LIKELY, and grouping's pairwise precision and recall over pairs
of reports in different articles ("both restate the same claim" against "same group"). Grouping runs twice: with
the claims already logged (first matches join reports) and before any is logged (only the distractors are in the
database: the words alone). And the time per candidate's suggestions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.dbsetup import ensure_migrated_database  # noqa: E402
from claims_tracker.claims.models import Article, IngestState  # noqa: E402
from claims_tracker.claims.services import claim_create, claimant_create  # noqa: E402
from claims_tracker.ingest.bearing import article_relate  # noqa: E402
from claims_tracker.ingest.claim_matching import LIKELY, candidate_matches  # noqa: E402
from claims_tracker.ingest.matching import ClaimantMatcher  # noqa: E402
from claims_tracker.ingest.models import Candidate  # noqa: E402

DATA = ROOT / "bench" / "data" / "matching_news.json"


def half_of(event: str) -> str:
    return "dev" if hashlib.sha1(event.encode()).digest()[0] % 2 == 0 else "test"


def _when(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def load(data: dict, *, log_claims: bool, clef: Path | None) -> dict[str, int]:
    """Empty the database and load claimants, (with log_claims) the claims, and the distractors.
    Returns data claim id -> Claim id for the claims loaded."""
    name = connection.settings_dict["NAME"]
    if not name.startswith("ct_eval"):
        sys.exit(f"refusing to empty database {name!r}: give this evaluation a database named ct_eval...")
    call_command("flush", interactive=False, verbosity=0)
    if clef is not None:
        from bench.eval_matching import load_claims

        load_claims(clef)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in [*data["claims"], *data["distractors"]]:
        aliases[row["claimant"]].update(a for a in row.get("aliases", []) if a and a != row["claimant"])
    claimants = {name: claimant_create(name=name, kind="government", aliases=sorted(found)) for name, found in
                 aliases.items()}  # fmt: skip
    loaded = {}
    for row in [*(data["claims"] if log_claims else []), *data["distractors"]]:
        claim = claim_create(text=row["text"], claimant=claimants[row["claimant"]], claimed_at=_when(row["date"]))
        loaded[row["id"]] = claim.pk
    return loaded


def report_candidates(data: dict) -> list[tuple[Candidate, str, str]]:
    """Every report as a stored Candidate in its event's k-th article: (candidate, claim id, half)."""
    matcher = ClaimantMatcher.from_db()
    by_event: dict[str, list[dict]] = defaultdict(list)
    for row in data["claims"]:
        by_event[row["event"]].append(row)
    made = []
    for event, rows in sorted(by_event.items()):
        for k in range(max(len(r["reports"]) for r in rows)):
            reports = [(row, row["reports"][k]) for row in rows if k < len(row["reports"])]
            day = min(report["date"] for _row, report in reports)
            article = Article.objects.create(
                title=f"Report {k + 1} on {event}",
                text=" ".join(report["sentence"] for _row, report in reports),
                published_at=_when(day),
                ingest_state=IngestState.DONE,
            )
            for row, report in reports:
                candidate = Candidate.objects.create(
                    article=article,
                    sentence=report["sentence"],
                    statement=report["statement"],
                    quote=report["statement"] if report["direct"] else "",
                    speaker_text=report["speaker_text"],
                    claimant_id=matcher.match(report["speaker_text"]).claimant_id,
                    verb="said",
                    direct=report["direct"],
                    confidence=0.9,
                )
                made.append((candidate, row["id"], half_of(event)))
    return made


def relate_all(made: list[tuple[Candidate, str, str]]) -> dict[int, int | None]:
    """article_relate per article in date order, as the pipeline runs it; candidate id -> group id."""
    articles = sorted({c.article_id: c.article.published_at for c, _i, _h in made}.items(), key=lambda a: (a[1], a[0]))
    for article_id, _day in articles:
        article_relate(article_id)
    ids = [c.pk for c, _i, _h in made]
    return dict(Candidate.objects.filter(pk__in=ids).values_list("pk", "group_id"))


def pairwise(made, groups, half: str) -> tuple[int, float, float]:
    rows = [(c.pk, c.article_id, claim) for c, claim, h in made if h == half]
    tp = fp = fn = 0
    for i, (pk_a, article_a, claim_a) in enumerate(rows):
        for pk_b, article_b, claim_b in rows[i + 1 :]:
            if article_a == article_b:
                continue
            same = claim_a == claim_b
            grouped = groups[pk_a] is not None and groups[pk_a] == groups[pk_b]
            tp += grouped and same
            fp += grouped and not same
            fn += same and not grouped
    return tp + fn, tp / max(1, tp + fp), tp / max(1, tp + fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--clef", type=Path, help="CLEF 2020 task 2 v3.0 folder: its 10,375 claims as distractors")
    parser.add_argument("--dev", action="store_true", help="with -v: list the dev half's misses")
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    ensure_migrated_database()

    claim_of = load(data, log_claims=True, clef=args.clef)
    made = report_candidates(data)
    results, times = [], []
    for candidate, claim_id, half in made:
        started = time.perf_counter()
        matches = candidate_matches(candidate, limit=3)
        times.append((time.perf_counter() - started) * 1000)
        results.append((half, claim_of[claim_id], [m.claim.pk for m in matches], matches[0].score if matches else 0))
    groups_logged = relate_all(made)
    claims_in_db = len(claim_of) + (10375 if args.clef else 0)

    print(f"{len(data['claims'])} claims, {len(made)} reports, {len(data['distractors'])} distractor claims"
          f"{' + 10,375 CLEF claims' if args.clef else ''}; {claims_in_db:,} claims in the database")  # fmt: skip
    print("                                   dev half    test half")
    figures = {}
    for half in ("dev", "test"):
        rows = [r for r in results if r[0] == half]
        top1 = sum(ranked[:1] == [want] for _h, want, ranked, _s in rows) / max(1, len(rows))
        top3 = sum(want in ranked[:3] for _h, want, ranked, _s in rows) / max(1, len(rows))
        right = [s for _h, want, ranked, s in rows if ranked[:1] == [want]]
        sure = sum(s >= LIKELY for s in right) / max(1, len(right))
        figures[half] = (len(rows), top1, top3, sure)
    print(f"  reports                        {figures['dev'][0]:>8}    {figures['test'][0]:>9}")
    print(f"  top-1                          {figures['dev'][1]:>8.3f}    {figures['test'][1]:>9.3f}")
    print(f"  top-3                          {figures['dev'][2]:>8.3f}    {figures['test'][2]:>9.3f}")
    print(f"  right firsts >= LIKELY ({LIKELY})     {figures['dev'][3]:>8.3f}    {figures['test'][3]:>9.3f}")
    for label, groups in (("grouping, claims logged", groups_logged),):
        _print_grouping(label, made, groups)
    print(f"suggestions per candidate: median {statistics.median(times):.1f} ms, "
          f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.1f} ms")  # fmt: skip
    if args.v and args.dev:
        text_of = {c.pk: (c.speaker_text, c.statement) for c, _i, _h in made}
        for (candidate, _claim, half), (_h, want, ranked, score) in zip(made, results, strict=True):
            if half == "dev" and ranked[:1] != [want]:
                print(f"  MISS {text_of[candidate.pk]} want #{want} got {ranked} ({score:.2f})")

    load(data, log_claims=False, clef=args.clef)
    made = report_candidates(data)
    _print_grouping("grouping, before any claim is logged", made, relate_all(made))


def _print_grouping(label, made, groups) -> None:
    dev, test = pairwise(made, groups, "dev"), pairwise(made, groups, "test")
    print(f"{label}: pairs restating one claim {dev[0]} / {test[0]}")
    print(f"  pairwise precision             {dev[1]:>8.3f}    {test[1]:>9.3f}")
    print(f"  pairwise recall                {dev[2]:>8.3f}    {test[2]:>9.3f}")


if __name__ == "__main__":
    main()
