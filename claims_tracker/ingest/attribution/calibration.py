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
    ("according-aside", "name"): 0.85,  # 17/20
    ("according-first", "name"): 0.93,  # 28/30
    ("according-last", "name"): 0.98,  # 81/83
    ("clause-then-speaker", "name"): 0.94,  # 73/78
    ("clause-then-speaker", "pointed"): 0.94,  # 34/36
    ("parenthetical", "name"): 0.93,  # 62/67
    ("parenthetical", "pointed"): 0.95,  # 41/43
    ("quote-then-speaker", "name"): 0.97,  # 1030/1065
    ("quote-then-speaker", "pointed"): 0.99,  # 409/415
    ("same-paragraph", "name"): 0.19,  # 7/36
    ("speaker-then-quote", "name"): 0.89,  # 136/153
    ("speaker-then-quote", "pointed"): 0.97,  # 63/65
    ("speaker-verb-clause", "name"): 0.88,  # 690/782
    ("speaker-verb-clause", "pointed"): 0.93,  # 181/195
    ("speaker-verb-that", "name"): 0.90,  # 346/385
    ("speaker-verb-that", "pointed"): 0.99,  # 70/71
    ("verb-object", "name"): 0.82,  # 244/297
    ("verb-object", "pointed"): 0.91,  # 53/58
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
