"""Re-extract each annotated page, check its text hash and print every annotation for review.

Usage: .venv/bin/python bench/data/attribution_corpus/check.py [--quiet] [page-id ...]

The pages live outside the repository (they belong to their publishers): the script reads them
from ../shared next to the repository or /work/shared, and says so when neither is there.
Exit status: 0 all good, 1 a text hash or span is wrong, 2 the pages are not on this machine.
"""

import hashlib
import json
import sys
from pathlib import Path

import trafilatura

HERE = Path(__file__).resolve().parent
SHARED_CANDIDATES = (HERE.parents[2].parent / "shared", Path("/work/shared"))
QUOTES = "\"'“”‘’«»„‚"


def shared_dir() -> Path:
    for candidate in SHARED_CANDIDATES:
        if (candidate / "corpus" / "articles" / "html").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in SHARED_CANDIDATES)
    print(f"The annotated pages are not on this machine (looked in {tried}).", file=sys.stderr)
    sys.exit(2)


def page_text(shared: Path, doc: dict) -> str:
    source = shared / doc["source_file"]
    if not source.is_file():
        print(f"{source} is missing.", file=sys.stderr)
        sys.exit(2)
    raw = source.read_text(encoding="utf-8")
    if doc["extractor"].startswith("trafilatura"):
        return trafilatura.extract(raw) or ""
    return raw  # the seed is annotated as given


def problems(text: str, att: dict) -> list[str]:
    found = []
    spans = [att["speaker"], *att["content"]] + ([att["cue"]] if att["cue"] else [])
    for s in spans:
        if not 0 <= s["start"] < s["end"] <= len(text):
            found.append(f"span {s} outside the text")
        elif text[s["start"]].isspace() or text[s["end"] - 1].isspace():
            found.append(f"span {s} starts or ends with white space")
    if not att["content"]:
        found.append("no content span")
    return found


def show(text: str, s: dict | None) -> str:
    return "-" if s is None else f"[{s['start']}:{s['end']}] {text[s['start'] : s['end']]!r}"


def check(shared: Path, path: Path, quiet: bool) -> int:
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = page_text(shared, doc)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc["text_sha256"]:
        print(
            f"{path.stem}: text hash differs: is trafilatura still {doc['extractor']}? "
            f"(installed: {trafilatura.__version__})"
        )
        return 1
    errors = 0
    atts = doc["attributions"]
    print(f"== {path.stem}: {len(atts)} attributions, {sum(a['direct'] for a in atts)} direct")
    for n, att in enumerate(atts, 1):
        bad = problems(text, att)
        errors += len(bad)
        for b in bad:
            print(f"  #{n} PROBLEM: {b}")
        if quiet or bad:
            continue
        resolved = f" -> {att['speaker_resolved']}" if att["speaker_resolved"] else ""
        print(f"#{n} {'direct' if att['direct'] else 'indirect'}")
        print(f"  speaker {show(text, att['speaker'])}{resolved}")
        print(f"  cue     {show(text, att['cue'])}")
        for c in att["content"]:
            print(f"  content {show(text, c)}")
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    wanted = {a for a in argv if not a.startswith("--")}
    shared = shared_dir()
    paths = sorted(p for p in HERE.glob("*.json") if not wanted or p.stem in wanted)
    if not paths:
        sys.exit("No annotation files matched.")
    return max(check(shared, p, quiet) for p in paths)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
