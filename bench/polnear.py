"""PolNeAR's train split as an attribution evaluation set, cut by article into a dev half and a test half.

PolNeAR (github.com/networkdynamics/PolNeAR) is 1,008 US political news articles from seven publishers with
every attribution annotated (source, cue, content; BRAT standoff). Its dev and test splits are reserved for
evaluation nobody here sees: only data/train is ever exported or read. The articles belong to their publishers,
so none of their text lives in this repository; export the train split into a folder of your own:

    git clone https://github.com/networkdynamics/PolNeAR /tmp/PolNeAR   # or any copy of it
    .venv/bin/python bench/polnear.py /tmp/PolNeAR /tmp/polnear-train   # writes text/ and attributions/
    POLNEAR_DIR=/tmp/polnear-train .venv/bin/python bench/eval_attribution.py --polnear

`source` may be a work tree or a bare git directory (read with `git show HEAD:…`). Where an article was
annotated twice, the annotation file first by name is kept.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SPLIT = "data/train"  # never dev or test


@dataclass
class Span:
    pieces: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


@dataclass
class Relation:
    source: Span | None
    cue: Span | None
    content: Span
    resolved: str = ""  # the name a pronoun source stands for, where the annotation gives it
    direct: bool | None = None  # given by the blind corpus; PolNeAR leaves it to quote marks


@dataclass
class Article:
    name: str
    text: str
    relations: list[Relation]


def half(name: str) -> str:
    """'dev' or 'test', fixed by the article's file name (so a new article never moves an old one)."""
    return "dev" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "test"


def _listing(source: Path, folder: str) -> list[str]:
    if (source / folder).is_dir():
        return sorted(p.name for p in (source / folder).iterdir())
    out = subprocess.run(
        ["git", f"--git-dir={source}", "ls-tree", "--name-only", f"HEAD:{folder}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return sorted(out.stdout.split())


def _read(source: Path, path: str) -> bytes:
    if (source / path).is_file():
        return (source / path).read_bytes()
    command = ["git", f"--git-dir={source}", "show", f"HEAD:{path}"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def export(source: Path, target: Path) -> int:
    """Copy PolNeAR's train texts and one annotation file per article into `target`. Returns the article count."""
    (target / "text").mkdir(parents=True, exist_ok=True)
    (target / "attributions").mkdir(parents=True, exist_ok=True)
    texts = _listing(source, f"{SPLIT}/text")
    annotations = _listing(source, f"{SPLIT}/attributions")
    count = 0
    for name in texts:
        stem = name.removesuffix(".txt")
        ann = next((a for a in annotations if a.rsplit("_", 1)[0] == stem), None)
        if ann is None:
            continue
        (target / "text" / name).write_bytes(_read(source, f"{SPLIT}/text/{name}"))
        (target / "attributions" / f"{stem}.ann").write_bytes(_read(source, f"{SPLIT}/attributions/{ann}"))
        count += 1
    return count


_SPAN = re.compile(r"^(T\d+)\t(\w+) ([\d ;]+)\t")


def parse_ann(ann: str) -> list[Relation]:
    spans: dict[str, Span] = {}
    relations = []
    for line in ann.splitlines():
        match = _SPAN.match(line)
        if match:
            pieces = tuple(tuple(int(x) for x in p.split()) for p in match.group(3).split(";"))
            spans[match.group(1)] = Span(tuple(sorted(pieces)))  # type: ignore[arg-type]
        elif line.startswith("E"):
            roles = dict(part.split(":", 1) for part in line.split("\t", 1)[1].split())
            if "Content" in roles and roles["Content"] in spans:
                source, cue = spans.get(roles.get("Source", "")), spans.get(roles.get("Cue", ""))
                relations.append(Relation(source, cue, spans[roles["Content"]]))
    return relations


def load(folder: Path) -> list[Article]:
    articles = []
    for path in sorted((folder / "text").glob("*.txt")):
        ann = folder / "attributions" / f"{path.stem}.ann"
        if ann.is_file():
            text = path.read_text(encoding="utf-8")
            articles.append(Article(path.stem, text, parse_ann(ann.read_text(encoding="utf-8"))))
    return articles


def load_blind(folder: Path, shared: Path) -> list[Article]:
    """The blind-annotated corpus pages (bench/data/attribution_corpus: offsets only, see its README), their text
    extracted as the annotator did (trafilatura's defaults; the seed as given). A page whose text hash differs
    is left out: its offsets would point at other words."""
    import hashlib
    import json

    import trafilatura

    articles = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        raw = (shared / doc["source_file"]).read_text(encoding="utf-8")
        text = (trafilatura.extract(raw) or "") if doc["extractor"].startswith("trafilatura") else raw
        if hashlib.sha256(text.encode()).hexdigest() != doc["text_sha256"]:
            print(f"  {path.stem}: text differs from the annotated one, left out")
            continue
        relations = []
        for row in doc["attributions"]:
            speaker = Span(((row["speaker"]["start"], row["speaker"]["end"]),)) if row.get("speaker") else None
            cue = Span(((row["cue"]["start"], row["cue"]["end"]),)) if row.get("cue") else None
            content = Span(tuple(sorted((c["start"], c["end"]) for c in row["content"])))
            relations.append(Relation(speaker, cue, content, row.get("speaker_resolved") or "", row.get("direct")))
        articles.append(Article(path.stem, text, relations))
    return articles


# -- scoring -----------------------------------------------------------------------------------------------
PRONOUNS = frozenset("he she they it i we you his her their its him them us".split())
QUOTE_MARKS = '“”"«»'
BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(pieces: tuple[tuple[int, int], ...]) -> int:
    return sum(e - s for s, e in pieces)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("’s", "").replace("'s", "")) if w != "the"]


def same_content(pred: tuple[tuple[int, int], ...], gold: Span) -> bool:
    """The spans share at least half of the shorter one's characters."""
    shared = _overlap(pred, gold.pieces)
    return shared > 0 and shared >= 0.5 * min(_length(pred), _length(gold.pieces))


def same_speaker(found, text: str, gold: Span | None, resolved: str = "") -> bool:
    """Spans overlap, or the names agree (one's words hold the other's, or the last word), or both are the same
    pronoun (the finder resolves "he" to its antecedent and keeps the pronoun as `mention`), or the finder's
    name agrees with the one the annotation resolves a pronoun to, or a gold "who" follows the finder's
    speaker right after its comma ("Weaver, who said")."""
    if gold is None:
        return True  # PolNeAR leaves the source out when the text never names one
    if found.speaker_start is not None and _overlap(((found.speaker_start, found.speaker_end),), gold.pieces):
        return True
    source = " ".join(text[s:e] for s, e in gold.pieces)
    if source.lower() in {"who", "which"} and found.speaker_end is not None:
        # "Weaver, who said …": the relative pronoun's antecedent is the phrase right before it.
        return 0 <= gold.start - found.speaker_end <= 3 and not text[found.speaker_end : gold.start].strip(", ")
    for want in (_words(" ".join(text[s:e] for s, e in gold.pieces)), _words(resolved)):
        for said in (found.speaker_text, found.mention):
            got = _words(said or "")
            if not got or not want:
                continue
            if set(got) <= set(want) or set(want) <= set(got):
                return True
            if got[-1] == want[-1] and got[-1] not in PRONOUNS:
                return True
    return False


def is_quoted(text: str, span: Span, direct: bool | None = None) -> bool:
    if direct is not None:
        return direct
    pieces = [text[s:e] for s, e in span.pieces]
    return any("''" in piece or any(c in QUOTE_MARKS for c in piece) for piece in pieces)


def score(articles: list[Article], find, *, verbose: bool = False) -> dict:
    """P, R, R(quoted), F1 over (speaker, content) pairs matched one to one, and precision per confidence band."""
    tp = fp = fn = tp_quoted = fn_quoted = 0
    band_hits = [[0, 0] for _ in BANDS]
    for article in articles:
        text = article.text
        unmatched = list(article.relations)
        for found in find(text):
            pieces = tuple(getattr(found, "pieces", None) or ((found.start, found.end),))
            hit = next(
                (
                    g
                    for g in unmatched
                    if same_content(pieces, g.content) and same_speaker(found, text, g.source, g.resolved)
                ),
                None,
            )
            band = next(i for i, (low, high) in enumerate(BANDS) if low <= found.confidence < high)
            band_hits[band][1] += 1
            if hit is None:
                fp += 1
                if verbose:
                    print(f"  FP [{article.name[:30]}] {found.speaker_text!r}: {text[found.start : found.end][:90]!r}")
                continue
            unmatched.remove(hit)
            band_hits[band][0] += 1
            tp += 1
            tp_quoted += is_quoted(text, hit.content, hit.direct)
        for gold in unmatched:
            fn += 1
            quoted = is_quoted(text, gold.content, gold.direct)
            fn_quoted += quoted
            if verbose and quoted:
                source = " ".join(text[s:e] for s, e in gold.source.pieces) if gold.source else "-"
                content = " … ".join(text[s:e] for s, e in gold.content.pieces)
                print(f"  FN [{article.name[:30]}] {source!r}: {content[:90]!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "articles": len(articles),
        "gold": tp + fn,
        "quoted_gold": tp_quoted + fn_quoted,
        "predicted": tp + fp,
        "precision": precision,
        "recall": recall,
        "quoted_recall": tp_quoted / (tp_quoted + fn_quoted) if tp_quoted + fn_quoted else 1.0,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "bands": [(low, high, hit, total) for (low, high), (hit, total) in zip(BANDS, band_hits, strict=True)],
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(f"exported {export(Path(sys.argv[1]), Path(sys.argv[2]))} articles of {SPLIT}")
