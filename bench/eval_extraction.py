"""Our extraction beside trafilatura's defaults, page by page.

    .venv/bin/python bench/eval_extraction.py [../shared/corpus/articles]

Two sets:
- the corpus pages (expected.json, from trafilatura's evaluation set): a `with` snippet found in the
  text is a true positive, one missing a false negative; a `without` snippet found is a false positive.
  This is trafilatura's snippet method on the pages we have. Skipped, saying so, when the folder is absent.
- our own page classes (tests/ingest/data/pages: React comment markers, a report continued in a
  table): the share of the report's paragraphs whose ending is in the text.
Prints a row per page for both extractors, the totals and the time per page. The held-out pages
of the issue are not here.
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

EXTRACTORS = {
    "trafilatura": lambda html, url: trafilatura.extract(html, url=url) or "",
    "ours": lambda html, url: extract(html, url=url).text,
}
OWN_PAGES = ROOT / "tests" / "ingest" / "data" / "pages"


def prf(tp: int, fn: int, fp: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def corpus(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    totals = {name: [0, 0, 0, 0.0] for name in EXTRACTORS}
    print(f"{len(expected)} corpus pages from {folder}  (snippets: with found / with, without found / without)")
    print(f"{'page':34} " + " ".join(f"{name:>22}" for name in EXTRACTORS))
    for url, spec in expected.items():
        html = (folder / "html" / spec["file"]).read_bytes()
        cells = []
        for name, run in EXTRACTORS.items():
            started = time.perf_counter()
            text = run(html, url)
            totals[name][3] += time.perf_counter() - started
            tp = sum(s in text for s in spec["with"])
            fp = sum(s in text for s in spec["without"])
            totals[name][0] += tp
            totals[name][1] += len(spec["with"]) - tp
            totals[name][2] += fp
            cells.append(f"{tp}/{len(spec['with'])} with, {fp}/{len(spec['without'])} without")
        print(f"{spec['file'][:34]:34} " + " ".join(f"{c:>22}" for c in cells))
    for name, (tp, fn, fp, seconds) in totals.items():
        p, r, f = prf(tp, fn, fp)
        print(f"  {name:12} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  {seconds / len(expected) * 1000:.1f} ms/page")


def own_pages() -> None:
    report = json.loads((OWN_PAGES / "paragraphs.json").read_text())
    print(f"\nour page classes ({OWN_PAGES.relative_to(ROOT)}): paragraphs of the report kept")
    for page in sorted(OWN_PAGES.glob("*.html")):
        html = page.read_text()
        cells = []
        for run in EXTRACTORS.values():
            text = " ".join(run(html, "").split())
            kept = sum(" ".join(p.split()[-6:]) in text for p in report)
            cells.append(f"{kept}/{len(report)}")
        print(f"{page.name:34} " + " ".join(f"{c:>22}" for c in cells))


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "articles"
    if (folder / "expected.json").exists():
        corpus(folder)
    else:
        print(f"corpus pages skipped: {folder} is absent (they live in ../shared/corpus/articles beside the repo)")
    own_pages()


if __name__ == "__main__":
    main()
