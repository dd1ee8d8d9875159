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
    ("according-aside", "name"): 0.95,  # 20/21
    ("according-first", "name"): 0.95,  # 36/38
    ("according-last", "name"): 0.96,  # 98/102
    ("according-relay", "name"): 1.00,  # 20/20
    ("clause-then-speaker", "name"): 0.89,  # 75/84
    ("clause-then-speaker", "pointed"): 0.95,  # 36/38
    ("headline", "name"): 0.77,  # 20/26
    ("parenthetical", "name"): 0.90,  # 63/70
    ("parenthetical", "pointed"): 0.95,  # 41/43
    ("previous-paragraph", "name"): 0.10,  # 5/48
    ("quote-then-speaker", "name"): 0.96,  # 1048/1088
    ("quote-then-speaker", "pointed"): 0.98,  # 419/427
    ("same-paragraph", "name"): 0.19,  # 9/47
    ("speaker-then-quote", "name"): 0.90,  # 148/165
    ("speaker-then-quote", "pointed"): 0.97,  # 66/68
    ("speaker-verb-clause", "name"): 0.89,  # 764/857
    ("speaker-verb-clause", "pointed"): 0.93,  # 186/200
    ("speaker-verb-that", "name"): 0.91,  # 384/420
    ("speaker-verb-that", "pointed"): 0.99,  # 71/72
    ("verb-object", "name"): 0.83,  # 474/568
    ("verb-object", "pointed"): 0.88,  # 119/135
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
