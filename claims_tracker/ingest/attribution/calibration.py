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
    ("according-first", "name"): 0.91,  # 20/22
    ("according-last", "name"): 0.99,  # 78/79
    ("clause-then-speaker", "name"): 0.95,  # 72/76
    ("clause-then-speaker", "pointed"): 0.94,  # 32/34
    ("parenthetical", "name"): 0.92,  # 61/66
    ("parenthetical", "pointed"): 0.98,  # 41/42
    ("quote-then-speaker", "name"): 0.97,  # 1027/1061
    ("quote-then-speaker", "pointed"): 0.99,  # 405/411
    ("same-paragraph", "name"): 0.24,  # 8/34
    ("speaker-then-quote", "name"): 0.90,  # 133/148
    ("speaker-then-quote", "pointed"): 0.97,  # 62/64
    ("speaker-verb-clause", "name"): 0.88,  # 651/737
    ("speaker-verb-clause", "pointed"): 0.95,  # 169/178
    ("speaker-verb-that", "name"): 0.90,  # 330/365
    ("speaker-verb-that", "pointed"): 0.98,  # 65/66
    ("verb-object", "name"): 0.84,  # 211/250
    ("verb-object", "pointed"): 0.96,  # 44/46
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
