"""Top-1 and top-3 accuracy of claim matching, and grouping's pairwise precision and recall, on public claim-retrieval
data (CLEF 2020 CheckThat! task 2).

    git clone https://github.com/sshaar/clef2020-factchecking-task2 /tmp/clef && (cd /tmp/clef && unzip data/v3.zip)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_eval_matching \
        .venv/bin/python bench/eval_matching.py /tmp/clef/v3.0

The data (Babulkov, Shaar, Da San Martino, Nakov; "free for general research use", not copied here): 10,375
claims checked by Snopes, each with its Snopes headline, and 997 tweets by many accounts that restate one of
them. Nobody here wrote or saw any of it before the matcher was built. The claims go into a database of
their own (created and loaded on the first run): the claim's text, and its headline as one appearance's
quote, as if the fact-check had reported it. Each tweet is a candidate: its text without links, hashtag
signs and the "— Name (@handle) date" signature, no claimant (the tweet's author is not who made the claim)
and no date. The other 10,374 claims are the distractors.

Printed: top-1 and top-3 accuracy over all tweets, and over the claims restated by two or more accounts
(each of those tweets), the share of right first matches at or above claim_matching.LIKELY, and speed.
These are figures without the claimant and date parts of the score, which the desk's candidates have.

Then grouping (ingest.grouping.same_statement): every pair of tweets of one half is grouped or not, as two
candidates of one speaker would be, and compared with "both restate the same Snopes claim": pairwise precision
and recall. The dev half is the data's train split (801 tweets), on which SAME_STATEMENT was chosen; the test
half is its dev split (198 tweets), never used to choose anything. Goal: precision >= 0.95 at recall >= 0.80.
"""

from __future__ import annotations

import csv
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from bench.dbsetup import ensure_migrated_database  # noqa: E402
from claims_tracker.claims.models import Appearance, Article, Claim, Claimant  # noqa: E402
from claims_tracker.ingest import grouping as grouping_rules  # noqa: E402
from claims_tracker.ingest.claim_matching import LIKELY, Probe, claim_matches  # noqa: E402

SLUG = "clef2020-snopes"
_LINK = re.compile(r"(?:https?://|pic\.twitter\.com/)\S+")
_RECORD = re.compile(r"\d+\t")
_SIGNATURE = re.compile(r"\s+—\s+[^—]*\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")


def read_tsv(path: Path) -> list[list[str]]:
    """Rows after the header; a record starts with its numeric id (a quoted field may hold a line break)."""
    records: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n")[1:]:
        if _RECORD.match(line):
            records.append(line)
        elif line.strip() and records:
            records[-1] += " " + line
    return [next(csv.reader([record], delimiter="\t")) for record in records]


def clean_tweet(text: str) -> str:
    text = _SIGNATURE.sub("", text)
    text = _LINK.sub(" ", text).replace("#", "")
    return " ".join(text.split())


def load_claims(data: Path) -> dict[str, int]:
    """vclaim id -> Claim id, loading the claims on the first run."""
    claimant = Claimant.objects.filter(slug=SLUG).first()
    rows = read_tsv(data / "verified_claims.docs.tsv")
    if claimant is None:
        with transaction.atomic():
            claimant = Claimant.objects.create(name="Claims checked by Snopes (CLEF 2020)", slug=SLUG, kind="media")
            article = Article.objects.create(title="Snopes fact-checks (CLEF 2020 task 2)", ingest_state="done")
            claims = Claim.objects.bulk_create(
                [Claim(text=vclaim, claimant=claimant, search_document=title) for _id, vclaim, title in rows],
                batch_size=2000,
            )
            Appearance.objects.bulk_create(
                [
                    Appearance(claim=claim, article=article, quote=title, is_paraphrase=True)
                    for claim, (_id, _vclaim, title) in zip(claims, rows, strict=True)
                ],
                batch_size=2000,
            )
        print(f"loaded {len(claims):,} claims", flush=True)
    ids = list(Claim.objects.filter(claimant=claimant).order_by("pk").values_list("pk", flat=True))
    return {row[0]: pk for row, pk in zip(rows, ids, strict=True)}


def main() -> None:
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    data = Path(paths[0] if paths else "/tmp/clef/v3.0")
    ensure_migrated_database()
    claim_of = load_claims(data)
    tweets: list[tuple[str, int]] = []
    half_of: list[str] = []
    for split in ("train", "dev"):
        text_of = {row[0]: row[1] for row in read_tsv(data / split / "tweets.queries.tsv")}
        for tweet_id, _zero, vclaim_id, _one in (
            line.split("\t")
            for line in (data / split / "tweet-vclaim-pairs.qrels").read_text().split("\n")
            if line.strip()
        ):
            tweets.append((clean_tweet(text_of[tweet_id]), claim_of[vclaim_id]))
            half_of.append("dev" if split == "train" else "test")
    restated = {claim for claim, n in Counter(c for _t, c in tweets).items() if n >= 2}
    results, times = [], []
    for text, expected in tweets:
        started = time.perf_counter()
        matches = claim_matches(Probe(text=text), limit=3)
        times.append((time.perf_counter() - started) * 1000)
        ranked = [m.claim.pk for m in matches]
        results.append((expected, ranked, matches[0].score if matches else 0.0))
    for label, rows in (
        ("all tweets", results),
        (f"claims restated by 2+ accounts ({len(restated)} claims)", [r for r in results if r[0] in restated]),
    ):
        top1 = sum(1 for expected, ranked, _s in rows if ranked[:1] == [expected]) / len(rows)
        top3 = sum(1 for expected, ranked, _s in rows if expected in ranked[:3]) / len(rows)
        print(f"{label}: {len(rows)} tweets   top-1 {top1:.3f}   top-3 {top3:.3f}")
    right = [s for expected, ranked, s in results if ranked[:1] == [expected]]
    wrong = [s for expected, ranked, s in results if ranked[:1] and ranked[:1] != [expected]]
    sure_right = sum(s >= LIKELY for s in right) / max(1, len(right))
    sure_wrong = sum(s >= LIKELY for s in wrong) / max(1, len(wrong))
    print(f"first matches scoring >= {LIKELY}: {sure_right:.3f} of the right ones, {sure_wrong:.3f} of the wrong ones")
    print(f"{len(claim_of):,} claims: median {statistics.median(times):.1f} ms per candidate, "
          f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.1f} ms")  # fmt: skip
    grouping(tweets, results, half_of)
    if "--sweep" in sys.argv:
        sweep(tweets, results, half_of)


def _pairs(tweets, results, half_of, half: str):
    """Every pair of one half: (restate the same claim?, restatement score, same first match, lower score)."""
    rows = [
        (text, expected, ranked[0] if ranked else None, score)
        for (text, expected), (_e, ranked, score), h in zip(tweets, results, half_of, strict=True)
        if h == half
    ]
    for i, (text_a, truth_a, first_a, score_a) in enumerate(rows):
        for text_b, truth_b, first_b, score_b in rows[i + 1 :]:
            same_first = first_a is not None and first_a == first_b
            words = grouping_rules.restatement_score(text_a, text_b).score
            yield truth_a == truth_b, words, same_first, min(score_a, score_b)


def _precision_recall(pairs, same_statement: float, same_claim: float) -> tuple[int, float, float]:
    tp = fp = fn = 0
    for same, words, same_first, score in pairs:
        grouped = words >= same_statement or (same_first and score >= same_claim)
        tp += grouped and same
        fp += grouped and not same
        fn += same and not grouped
    return tp + fn, tp / max(1, tp + fp), tp / max(1, tp + fn)


def sweep(tweets, results, half_of) -> None:
    """The dev half only: the grid SAME_STATEMENT and SAME_CLAIM were chosen from (most recall at P >= 0.95)."""
    pairs = list(_pairs(tweets, results, half_of, "dev"))
    print("dev half: SAME_STATEMENT SAME_CLAIM precision recall")
    for same_statement in (0.4, 0.5, 0.55, 0.6, 0.7, 1.1):
        for same_claim in (0.25, 0.3, 0.35, 0.5, 9.0):
            _n, precision, recall = _precision_recall(pairs, same_statement, same_claim)
            print(f"  {same_statement:>14} {same_claim:>10} {precision:>9.3f} {recall:>6.3f}")


def grouping(tweets: list[tuple[str, int]], results: list[tuple[int, list[int], float]], half_of: list[str]) -> None:
    """Pairwise precision and recall of grouping, per half, side by side."""
    figures = {}
    for half in ("dev", "test"):
        pairs = _pairs(tweets, results, half_of, half)
        rules = (grouping_rules.SAME_STATEMENT, grouping_rules.SAME_CLAIM)
        figures[half] = (sum(1 for h in half_of if h == half), *_precision_recall(pairs, *rules))
    print(f"grouping (SAME_STATEMENT {grouping_rules.SAME_STATEMENT}, SAME_CLAIM {grouping_rules.SAME_CLAIM})")
    print("  pairs of tweets                dev half      test half")
    print(f"  tweets                    {figures['dev'][0]:>10} {figures['test'][0]:>14}")
    print(f"  pairs restating one claim {figures['dev'][1]:>10} {figures['test'][1]:>14}")
    print(f"  pairwise precision        {figures['dev'][2]:>10.3f} {figures['test'][2]:>14.3f}")
    print(f"  pairwise recall           {figures['dev'][3]:>10.3f} {figures['test'][3]:>14.3f}")


if __name__ == "__main__":
    main()
