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
    ("according-last", "name"): 0.99,  # 79/80
    ("clause-then-speaker", "name"): 0.96,  # 65/68
    ("clause-then-speaker", "pointed"): 0.97,  # 31/32
    ("parenthetical", "name"): 0.92,  # 56/61
    ("parenthetical", "pointed"): 0.98,  # 40/41
    ("quote-then-speaker", "name"): 0.97,  # 1002/1029
    ("quote-then-speaker", "pointed"): 1.00,  # 401/403
    ("same-paragraph", "name"): 0.24,  # 9/37
    ("speaker-then-quote", "name"): 0.90,  # 132/147
    ("speaker-then-quote", "pointed"): 0.98,  # 60/61
    ("speaker-verb-clause", "name"): 0.88,  # 635/721
    ("speaker-verb-clause", "pointed"): 0.95,  # 162/171
    ("speaker-verb-that", "name"): 0.90,  # 323/357
    ("speaker-verb-that", "pointed"): 0.98,  # 62/63
    ("verb-object", "name"): 0.85,  # 202/239
    ("verb-object", "pointed"): 0.96,  # 44/46
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
