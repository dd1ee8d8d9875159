"""Snippet scores of our extraction beside trafilatura's defaults on the corpus pages.

    .venv/bin/python bench/eval_extraction.py [../shared/corpus/articles]

For each page of expected.json: a `with` snippet found in the text is a true positive, one missing
a false negative; a `without` snippet found is a false positive, one absent a true negative.
Prints precision, recall and F1 over all snippets for both extractors, and the time per page.
This is the trafilatura evaluation's snippet method on the pages we have; the held-out pages of
the issue are not here.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

import django  # noqa: E402

django.setup()

import trafilatura  # noqa: E402

from claims_tracker.ingest.extraction import extract  # noqa: E402


def score(texts: dict[str, str], expected: dict) -> tuple[float, float, float]:
    tp = fn = fp = 0
    for url, spec in expected.items():
        text = texts[url]
        tp += sum(1 for s in spec["with"] if s in text)
        fn += sum(1 for s in spec["with"] if s not in text)
        fp += sum(1 for s in spec["without"] if s in text)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "articles"
    expected = json.loads((folder / "expected.json").read_text())
    pages = {url: (folder / "html" / spec["file"]).read_bytes() for url, spec in expected.items()}
    results = {}
    for name, run in {
        "trafilatura defaults": lambda html, url: trafilatura.extract(html, url=url) or "",
        "claims_tracker extract()": lambda html, url: extract(html, url=url).text,
    }.items():
        started = time.perf_counter()
        texts = {url: run(html, url) for url, html in pages.items()}
        elapsed = (time.perf_counter() - started) / len(pages) * 1000
        results[name] = (*score(texts, expected), elapsed)
    print(f"{len(pages)} pages from {folder}")
    print(f"{'extractor':28} {'precision':>9} {'recall':>7} {'F1':>6} {'ms/page':>8}")
    for name, (p, r, f, ms) in results.items():
        print(f"{name:28} {p:9.3f} {r:7.3f} {f:6.3f} {ms:8.1f}")


if __name__ == "__main__":
    main()
