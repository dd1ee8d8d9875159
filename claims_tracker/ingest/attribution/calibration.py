"""Confidence as measured precision: what share of a rule's candidates were right on unseen news.

The table is the finder's precision per (rule, how the speaker was named) on the dev half of PolNeAR's train
split (political news from seven US publishers, annotated by its authors; see bench/polnear.py), printed by
`bench/eval_attribution.py --calibrate`. Rerun it and paste the output here when the rules change. Rows with
fewer than 20 candidates there, and speakers left as "he"/"she" (the scorer cannot tell who she is), keep the
rule's own estimate. The test half's precision per confidence band,
printed by `bench/eval_attribution.py --polnear`, checks the table on articles it was not made from.
"""

from __future__ import annotations

PRECISION: dict[tuple[str, str], float] = {
    ("according-aside", "name"): 0.95,  # 21/22
    ("according-first", "name"): 0.95,  # 36/38
    ("according-last", "name"): 0.96,  # 103/107
    ("clause-then-speaker", "name"): 0.94,  # 73/78
    ("clause-then-speaker", "pointed"): 0.94,  # 34/36
    ("parenthetical", "name"): 0.93,  # 62/67
    ("parenthetical", "pointed"): 0.95,  # 42/44
    ("previous-paragraph", "name"): 0.11,  # 5/47
    ("quote-then-speaker", "name"): 0.97,  # 1035/1070
    ("quote-then-speaker", "pointed"): 0.99,  # 410/416
    ("same-paragraph", "name"): 0.19,  # 7/36
    ("speaker-then-quote", "name"): 0.89,  # 138/155
    ("speaker-then-quote", "pointed"): 0.97,  # 63/65
    ("speaker-verb-clause", "name"): 0.89,  # 700/784
    ("speaker-verb-clause", "pointed"): 0.93,  # 181/195
    ("speaker-verb-that", "name"): 0.91,  # 353/386
    ("speaker-verb-that", "pointed"): 0.99,  # 70/71
    ("verb-object", "name"): 0.86,  # 258/300
    ("verb-object", "pointed"): 0.92,  # 54/59
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
