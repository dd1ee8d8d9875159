"""Precision and recall of the attribution finder on our own hand-written dev set.

    .venv/bin/python bench/eval_attribution.py [-v] [path/to/devset.txt]

A predicted (speaker, statement) pair counts as right when the speaker names the same party (one
name's words contain the other's) and the statement spans overlap by half of each. These are dev-set
figures for steering, not the held-out evaluation. Also prints the finder's speed on a long article.
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

DEV_SET = ROOT / "tests" / "ingest" / "data" / "attribution_dev.txt"


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
            hit = next(
                (
                    g
                    for g in unmatched
                    if same_statement(attribution.start, attribution.end, g)
                    and same_speaker(attribution.speaker_text, g.speakers)
                ),
                None,
            )
            if hit is None:
                fp += 1
                if verbose:
                    print(f"  FP [{doc.id}] {attribution.speaker_text!r}: {attribution.statement[:90]!r}")
                continue
            unmatched.remove(hit)
            tp += 1
            tp_quoted += hit.quoted
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
    args = [a for a in sys.argv[1:] if a != "-v"]
    docs = load_dev_set(Path(args[0]) if args else DEV_SET)
    scores = evaluate(docs, verbose="-v" in sys.argv)
    print(f"dev set: {len(docs)} documents, {scores['gold']} gold attributions, {scores['predicted']} predicted")
    print(
        f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}"
        f"  quoted recall {scores['quoted_recall']:.3f}"
    )
    ms, chars = speed(docs)
    print(f"speed: {ms:.1f} ms for a {chars:,}-character article")


if __name__ == "__main__":
    main()
