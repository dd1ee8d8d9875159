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
    ("according-last", "name"): 0.97,  # 94/97
    ("according-relay", "name"): 1.00,  # 23/23
    ("clause-then-speaker", "name"): 0.91,  # 102/112
    ("clause-then-speaker", "pointed"): 0.92,  # 36/39
    ("headline", "name"): 0.79,  # 30/38
    ("parenthetical", "name"): 0.94,  # 44/47
    ("parenthetical", "pointed"): 0.95,  # 42/44
    ("previous-paragraph", "name"): 0.07,  # 3/44
    ("quote-then-speaker", "name"): 0.97,  # 1083/1122
    ("quote-then-speaker", "pointed"): 0.97,  # 426/438
    ("same-paragraph", "name"): 0.22,  # 10/45
    ("speaker-then-quote", "name"): 0.92,  # 171/186
    ("speaker-then-quote", "pointed"): 0.97,  # 78/80
    ("speaker-verb-clause", "name"): 0.89,  # 822/919
    ("speaker-verb-clause", "pointed"): 0.92,  # 203/220
    ("speaker-verb-that", "name"): 0.94,  # 423/448
    ("speaker-verb-that", "pointed"): 0.98,  # 95/97
    ("verb-object", "name"): 0.84,  # 547/654
    ("verb-object", "pointed"): 0.89,  # 137/154
}


def how_named(speaker_text: str, mention: str) -> str:
    """ "name": named where it speaks; "pointed": a pronoun or role resolved to a name; "pronoun": left as he/she."""
    if speaker_text.lower() in {"he", "she"}:
        return "pronoun"
    return "pointed" if mention else "name"


def calibrated(pattern: str, speaker_text: str, mention: str, estimate: float) -> float:
    return PRECISION.get((pattern, how_named(speaker_text, mention)), estimate)
