"""Precision and recall of the attribution finder on our hand-written dev sets and on real news pages.

    .venv/bin/python bench/eval_attribution.py [-v] [path/to/devset.txt]
    .venv/bin/python bench/eval_attribution.py --real [-v] [path/to/shared]
    POLNEAR_DIR=/tmp/polnear-train .venv/bin/python bench/eval_attribution.py --polnear [-v] [--dev]

PolNeAR (the held-out measure; see bench/polnear.py for getting its train split): the train split's articles,
cut by article into a dev half (tune on it; -v lists its errors) and a test half (the headline; its errors
are never printed). Finder and the regex baseline (bench/regex_baseline.py) side by side, with finder time
per article and precision per confidence band on the test half.

Dev sets: a predicted (speaker, statement) pair counts as right when the speaker names the same party
(one name's words contain the other's) and the statement spans overlap by half of each. These are
tuned-on figures for steering, not the held-out evaluation.

Real set: the English pages of ../shared/corpus/articles, extracted with our own extractor, against
hand annotations in tests/ingest/data/attribution_real.json (speaker + a short snippet of the
statement). A prediction is right when its speaker matches (normalised words contain each other, or
the surname matches) and the snippet lies inside its span or overlaps it by half. Optional
(borderline) annotations neither reward nor punish. Without arguments both are printed, with speed.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

from claims_tracker.ingest.attribution.segment import QUOTE_CHARS  # noqa: E402
from claims_tracker.lib.text import normalize_name  # noqa: E402

DATA = ROOT / "tests" / "ingest" / "data"
DEV_SET = DATA / "attribution_dev.txt"
DEV_SETS = (DATA / "attribution_dev.txt", DATA / "attribution_dev_fresh.txt")
REAL_SET = DATA / "attribution_real.json"
SHARED = ROOT.parent / "shared"


@dataclass
class Gold:
    speakers: list[str]
    statement: str
    start: int
    end: int
    quoted: bool


@dataclass
class Doc:
    id: str
    text: str
    gold: list[Gold]


def load_dev_set(path: Path = DEV_SET) -> list[Doc]:
    docs: list[Doc] = []
    for block in path.read_text(encoding="utf-8").split("\n=== ")[1:]:
        head, _, rest = block.partition("\n")
        body, _, answers = rest.partition("\n---")
        text = body.strip("\n")
        gold = []
        for line in answers.strip().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            names, _, statement = line.partition(" :: ")
            start = text.find(statement)
            if start < 0:
                raise ValueError(f"{head}: statement not in text: {statement!r}")
            end = start + len(statement)
            quoted = start > 0 and text[start - 1] in QUOTE_CHARS
            gold.append(Gold([n.strip() for n in names.split("|")], statement, start, end, quoted))
        docs.append(Doc(head.strip(), text, gold))
    return docs


def _words(name: str) -> set[str]:
    words = set(normalize_name(name).replace("'s", "").split())
    return words - {"the", "a", "an", "s"}


def same_speaker(predicted: str, names: list[str]) -> bool:
    got = _words(predicted)
    return bool(got) and any(_words(n) and (_words(n) <= got or got <= _words(n)) for n in names)


def same_speaker_or_surname(predicted: str, names: list[str]) -> bool:
    """Like same_speaker, and "Pamela Price" also matches "Ms. Price" (the last words agree)."""
    if same_speaker(predicted, names):
        return True
    got = normalize_name(predicted).replace("'s", "").split()
    for name in names:
        words = normalize_name(name).replace("'s", "").split()
        if got and words and got[-1] == words[-1] and got[-1] not in {"person", "people", "officials"}:
            return True
    return False


def same_statement(start: int, end: int, gold: Gold) -> bool:
    overlap = min(end, gold.end) - max(start, gold.start)
    return overlap > 0 and overlap >= 0.5 * (gold.end - gold.start) and overlap >= 0.5 * (end - start)


def evaluate(docs: list[Doc], *, verbose: bool = False) -> dict[str, float]:
    from claims_tracker.ingest.attribution import find_attributions

    tp = fp = fn = tp_quoted = fn_quoted = 0
    for doc in docs:
        predicted = find_attributions(doc.text)
        unmatched = list(doc.gold)
        for attribution in predicted:
            hits = _piece_hits(
                attribution,
                unmatched,
                lambda g, a, b, name=attribution.speaker_text: (
                    same_statement(a, b, g) and same_speaker(name, g.speakers)
                ),
            )
            if not hits:
                fp += 1
                if verbose:
                    print(f"  FP [{doc.id}] {attribution.speaker_text!r}: {attribution.statement[:90]!r}")
            tp += len(hits)
            tp_quoted += sum(hit.quoted for hit in hits)
        for gold in unmatched:
            fn += 1
            fn_quoted += gold.quoted
            if verbose:
                print(f"  FN [{doc.id}] {gold.speakers[0]!r}: {gold.statement[:90]!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    quoted_recall = tp_quoted / (tp_quoted + fn_quoted) if tp_quoted + fn_quoted else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "quoted_recall": quoted_recall,
        "gold": tp + fn,
        "predicted": tp + fp,
    }


def _piece_hits(attribution, unmatched: list, matches) -> list:
    """The gold rows the attribution's pieces match, taken out of `unmatched`: these sets annotate each piece of
    a quote that goes on after its attribution ("“A,” she said. “B.”") as a statement of its own."""
    hits = []
    for start, end in attribution.pieces or ((attribution.start, attribution.end),):
        hit = next((g for g in unmatched if matches(g, start, end)), None)
        if hit is not None:
            unmatched.remove(hit)
            hits.append(hit)
    return hits


@dataclass
class RealGold:
    speakers: list[str]
    snippet: str
    start: int
    end: int
    quoted: bool
    optional: bool


def load_real_set(shared: Path = SHARED, path: Path = REAL_SET) -> list[Doc]:
    """The annotated pages, their text extracted from ../shared the way ingestion extracts it."""
    import json

    from claims_tracker.ingest.extraction import extract

    articles = shared / "corpus" / "articles"
    urls = {entry["file"]: url for url, entry in json.loads((articles / "expected.json").read_text()).items()}
    annotations = json.loads(path.read_text(encoding="utf-8"))["pages"]
    docs: list[Doc] = []
    for name, rows in annotations.items():
        text = extract((articles / "html" / name).read_bytes(), url=urls[name]).text
        gold = []
        for row in rows:
            snippet = row["snippet"]
            start = -1
            for _ in range(row.get("occurrence", 0) + 1):
                start = text.find(snippet, start + 1)
            if start < 0:
                raise ValueError(f"{name}: snippet not in the extracted text: {snippet!r}")
            speakers = [s.strip() for s in row["speaker"].split("|")]
            quoted = bool(row.get("quoted"))
            gold.append(RealGold(speakers, snippet, start, start + len(snippet), quoted, bool(row.get("optional"))))
        docs.append(Doc(name, text, gold))
    return docs


def covers_snippet(start: int, end: int, gold: RealGold) -> bool:
    overlap = min(end, gold.end) - max(start, gold.start)
    return overlap >= 0.5 * (gold.end - gold.start)


def evaluate_real(docs: list[Doc], *, verbose: bool = False) -> dict[str, float]:
    from claims_tracker.ingest.attribution import find_attributions

    tp = fp = fn = tp_quoted = fn_quoted = 0
    for doc in docs:
        unmatched = list(doc.gold)
        for attribution in find_attributions(doc.text):
            hits = _piece_hits(
                attribution,
                unmatched,
                lambda g, a, b, name=attribution.speaker_text: (
                    covers_snippet(a, b, g) and same_speaker_or_surname(name, g.speakers)
                ),
            )
            if not hits:
                fp += 1
                if verbose:
                    where = f"{attribution.pattern}/{attribution.verb}"
                    print(
                        f"  FP [{doc.id[:14]}] {attribution.speaker_text!r} ({where}): {attribution.statement[:80]!r}"
                    )
                continue
            tp += sum(not hit.optional for hit in hits)
            tp_quoted += sum(hit.quoted for hit in hits if not hit.optional)
        for gold in unmatched:
            if gold.optional:
                continue
            fn += 1
            fn_quoted += gold.quoted
            if verbose:
                print(f"  FN [{doc.id[:14]}] {gold.speakers[0]!r}: {gold.snippet!r}")
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "quoted_recall": tp_quoted / (tp_quoted + fn_quoted) if tp_quoted + fn_quoted else 1.0,
        "gold": tp + fn,
        "quoted_gold": tp_quoted + fn_quoted,
        "predicted": tp + fp,
    }


def speed(docs: list[Doc]) -> tuple[float, int]:
    """Milliseconds for one long article (the dev set joined, about 25,000 characters)."""
    from claims_tracker.ingest.attribution import find_attributions

    text = "\n\n".join(doc.text for doc in docs) * 2
    find_attributions(text)
    runs = 20
    began = time.perf_counter()
    for _ in range(runs):
        find_attributions(text)
    return (time.perf_counter() - began) / runs * 1000, len(text)


def main() -> None:
    import django

    django.setup()
    verbose = "-v" in sys.argv
    real = "--real" in sys.argv
    args = [a for a in sys.argv[1:] if a not in {"-v", "--real", "--polnear", "--dev", "--calibrate"}]
    if "--calibrate" in sys.argv:
        _calibrate(Path(args[0] if args else os.environ.get("POLNEAR_DIR", "")))
        return
    if "--polnear" in sys.argv:
        _report_polnear(Path(args[0] if args else os.environ.get("POLNEAR_DIR", "")), verbose, "--dev" in sys.argv)
        return
    if real:
        _report_real(Path(args[0]) if args else SHARED, verbose)
        return
    dev_sets = [Path(args[0])] if args else list(DEV_SETS)
    for path in dev_sets:
        docs = load_dev_set(path)
        scores = evaluate(docs, verbose=verbose)
        print(f"{path.name}: {len(docs)} documents, {scores['gold']} gold, {scores['predicted']} predicted")
        print(f"  {_figures(scores)}")
    if not args and (SHARED / "corpus" / "articles").is_dir():
        _report_real(SHARED, verbose)
    ms, chars = speed(load_dev_set(DEV_SET))
    print(f"speed: {ms:.1f} ms for a {chars:,}-character article")


def _figures(scores: dict[str, float]) -> str:
    return (
        f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}"
        f"  quoted recall {scores['quoted_recall']:.3f}"
    )


def _report_real(shared: Path, verbose: bool) -> None:
    docs = load_real_set(shared)
    scores = evaluate_real(docs, verbose=verbose)
    print(
        f"real pages: {len(docs)} pages, {scores['gold']} gold ({scores['quoted_gold']} quoted),"
        f" {scores['predicted']} predicted"
    )
    print(f"  {_figures(scores)}")
    began = time.perf_counter()
    from claims_tracker.ingest.attribution import find_attributions

    for doc in docs:
        find_attributions(doc.text)
    print(f"  finder time: {(time.perf_counter() - began) / len(docs) * 1000:.1f} ms per page")


def _calibrate(folder: Path) -> None:
    """Print the finder's precision per (rule, how the speaker was named) on the dev half only: the table
        claims_tracker/ingest/attribution/calibration.py holds. Rows under 20 candidates, and speakers left as
    "he"/"she", are left out."""
    import collections

    import polnear

    from claims_tracker.ingest.attribution import find_attributions
    from claims_tracker.ingest.attribution.calibration import how_named

    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for article in (a for a in polnear.load(folder) if polnear.half(a.name) == "dev"):
        unmatched = list(article.relations)
        for found in find_attributions(article.text):
            hit = next(
                (
                    g
                    for g in unmatched
                    if polnear.same_content(found.pieces, g.content)
                    and polnear.same_speaker(found, article.text, g.source)
                ),
                None,
            )
            row = counts[(found.pattern, how_named(found.speaker_text, found.mention))]
            row[1] += 1
            if hit is not None:
                unmatched.remove(hit)
                row[0] += 1
    for key, (hit, total) in sorted(counts.items()):
        # An unresolved "she" matches a gold "she" whoever she is: that precision says nothing of the speaker.
        if total >= 20 and key[1] != "pronoun":
            print(f"    {key!r}: {hit / total:.2f},  # {hit}/{total}")


def _report_polnear(folder: Path, verbose: bool, dev_only: bool) -> None:
    import statistics

    import polnear
    import regex_baseline

    from claims_tracker.ingest.attribution import find_attributions

    if not (folder / "text").is_dir():
        sys.exit("No PolNeAR train split: set POLNEAR_DIR or pass its folder (how to export it: bench/polnear.py).")
    articles = polnear.load(folder)
    halves = {h: [a for a in articles if polnear.half(a.name) == h] for h in ("dev", "test")}
    print(f"PolNeAR train split: {len(articles)} articles, {len({a.name.split('_')[0] for a in articles})} outlets")
    print(f"{'':16}{'articles':>9}{'gold':>7}{'quoted':>7}{'pred':>6}{'P':>7}{'R':>7}{'R(q)':>7}{'F1':>7}")
    for name in ("dev",) if dev_only else ("dev", "test"):
        for label, find in (("finder", find_attributions), ("regex baseline", regex_baseline.find)):
            s = polnear.score(halves[name], find, verbose=verbose and name == "dev" and label == "finder")
            print(
                f"{name + ' ' + label:16}{s['articles']:>9}{s['gold']:>7}{s['quoted_gold']:>7}{s['predicted']:>6}"
                f"{s['precision']:>7.3f}{s['recall']:>7.3f}{s['quoted_recall']:>7.3f}{s['f1']:>7.3f}"
            )
            if label == "finder":
                bands = "  ".join(
                    f"[{lo:.2f},{min(hi, 1):.2f}): {h / t:.2f} of {t}" for lo, hi, h, t in s["bands"] if t
                )
                print(f"{'':16}precision by confidence: {bands}")
    blind = ROOT / "bench" / "data" / "attribution_corpus"
    blind = Path(os.environ.get("ATTRIBUTION_CORPUS", blind))
    if not dev_only and blind.is_dir() and (SHARED / "corpus").is_dir():
        pages = polnear.load_blind(blind, SHARED)
        outlets = len({a.name.split(".")[0] if "." in a.name else a.name for a in pages})
        print(
            f"blind-annotated corpus pages (a second test set, never tuned on): {len(pages)} texts, {outlets} outlets"
        )
        for label, find in (("finder", find_attributions), ("regex baseline", regex_baseline.find)):
            s = polnear.score(pages, find)
            print(
                f"{'pages ' + label:16}{s['articles']:>9}{s['gold']:>7}{s['quoted_gold']:>7}{s['predicted']:>6}"
                f"{s['precision']:>7.3f}{s['recall']:>7.3f}{s['quoted_recall']:>7.3f}{s['f1']:>7.3f}"
            )
    times = []  # CPU time: on a shared machine the wall clock measures the neighbours
    for article in halves["dev"] + halves["test"]:
        began = time.process_time()
        find_attributions(article.text)
        times.append((time.process_time() - began) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    median = statistics.median(times)
    print(f"finder CPU time per article: median {median:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
