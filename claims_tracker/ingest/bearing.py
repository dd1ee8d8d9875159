"""Bearing: a candidate whose statement confirms, denies or updates an existing claim is proposed as evidence
for it, with a suggested stance and the reasons (BearingSuggestion). Rule-based, so each proposal explains
itself: the claim and the candidate share a place or a name, and what each says about it is one of the pairs
below ("withdrawn" concedes "control"; "the battles continued" disputes "control"), or the candidate denies or
confirms outright and comes from someone else than the claim's claimant.

`article_relate` runs after an article's candidates are stored (tasks.relate_candidates): the candidates'
matches are read once, all of them in the same few queries, and serve both this and grouping (ingest.grouping).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims_tracker.claims.models import EvidenceStance, Stance

from . import grouping
from .claim_matching import Match, candidates_matches, names_in
from .models import BearingSuggestion, Candidate, CandidateState

# What a statement says about a place, by its words.
CONCEPTS = {
    "control": re.compile(
        r"\b(?:control(?:s|led|ling)?|captur\w*|took|taken|seiz\w*|liberat\w*|occup\w*|in (?:sole )?charge"
        r"|fell|fallen)\b"
    ),
    "withdrawal": re.compile(
        r"\b(?:withdr[ae]w\w*|withdrawal|pulled (?:out|back)|retreat\w*|abandon\w*|left the (?:town|city))\b"
    ),
    "fighting goes on": re.compile(
        r"\b(?:battles?|fighting|clashes|fight)\b[^.]{0,40}?\b(?:continu\w*|go(?:es|ing)? on|still)\b"
        r"|\brepel\w*|\bstill (?:hold|held|holding)\b"
    ),
}
# (what the claim says, what the candidate says) -> the candidate's stance towards the claim.
PAIRS = {
    ("control", "withdrawal"): EvidenceStance.SUPPORTS,
    ("control", "fighting goes on"): EvidenceStance.CONTRADICTS,
    ("fighting goes on", "control"): EvidenceStance.CONTRADICTS,
    ("fighting goes on", "withdrawal"): EvidenceStance.CONTRADICTS,
}
DENIAL = re.compile(r"\b(?:den(?:y|ies|ied)|reject\w*|false|untrue|not true|fake)\b")
CONFIRMATION = re.compile(r"\b(?:confirm\w*|conceded|admit\w*)\b")
# The candidate's own stance, as the finder read it, counts too.
OUTRIGHT = {
    Stance.DENIES: EvidenceStance.CONTRADICTS,
    Stance.DISPUTES: EvidenceStance.CONTRADICTS,
    Stance.CONFIRMS: EvidenceStance.SUPPORTS,
}


@dataclass(frozen=True)
class Bearing:
    stance: str
    reasons: list[str]


def concepts_in(text: str) -> list[str]:
    """What the text says, in CONCEPTS' order; a withdrawal named is not also read as control."""
    found = [name for name, pattern in CONCEPTS.items() if pattern.search(text.lower())]
    if "withdrawal" in found and "control" in found:
        found.remove("control")
    return found


def bearing_of(*, candidate_text: str, candidate_stance: str, same_claimant: bool, claim_text: str) -> Bearing | None:
    """How a candidate's statement bears on a claim, with the reasons; None when no rule says it does."""
    shared = sorted(names_in(claim_text) & names_in(candidate_text))
    if not shared:
        return None
    reasons = ["both about " + ", ".join(shared)]
    said = concepts_in(candidate_text)
    for claimed in concepts_in(claim_text):
        for saying in said:
            stance = PAIRS.get((claimed, saying))
            if stance is not None:
                verb = "concedes" if stance == EvidenceStance.SUPPORTS else "disputes"
                return Bearing(stance, [*reasons, f"“{saying}” {verb} “{claimed}”"])
    if same_claimant:
        return None  # the claimant restating or refining itself is an appearance, not evidence
    lowered = candidate_text.lower()
    if candidate_stance in OUTRIGHT:
        stance = OUTRIGHT[candidate_stance]
        return Bearing(stance, [*reasons, f"the speaker {Stance(candidate_stance).label.lower()} it"])
    if (word := DENIAL.search(lowered)) is not None:
        return Bearing(EvidenceStance.CONTRADICTS, [*reasons, f"“{word.group(0)}”: a denial"])
    if (word := CONFIRMATION.search(lowered)) is not None:
        return Bearing(EvidenceStance.SUPPORTS, [*reasons, f"“{word.group(0)}”: a confirmation"])
    return None


def candidate_bearings(candidate: Candidate, matches: list[Match]) -> list[BearingSuggestion]:
    """Unsaved suggestions for the claims among `matches` the candidate bears on."""
    text = " ".join(t for t in (candidate.sentence, candidate.statement) if t)
    found = []
    for match in matches:
        claim = match.claim
        if claim.pk == candidate.claim_id:
            continue
        same = bool(candidate.claimant_id) and candidate.claimant_id == claim.claimant_id
        bearing = bearing_of(
            candidate_text=text, candidate_stance=candidate.stance, same_claimant=same, claim_text=claim.text
        )
        if bearing is not None:
            reasons = [*bearing.reasons, f"match score {match.score:.0%}"]
            found.append(BearingSuggestion(candidate=candidate, claim=claim, stance=bearing.stance, reasons=reasons))
    return found


def article_relate(article_id: int) -> tuple[int, int]:
    """Bearing suggestions for the article's new candidates, then their groups. Idempotent (a suggestion is
    unique per candidate and claim; grouping skips what is grouped). Returns (suggestions made, grouped)."""
    candidates = list(
        Candidate.objects.filter(article_id=article_id, state=CandidateState.NEW)
        .select_related("claimant", "article")
        .defer("article__text")
    )
    likely: dict[int, int] = {}
    suggestions: list[BearingSuggestion] = []
    for candidate, matches in zip(candidates, candidates_matches(candidates), strict=True):
        if matches and matches[0].score >= grouping.SAME_CLAIM:
            likely[candidate.pk] = matches[0].claim.pk
        suggestions += candidate_bearings(candidate, matches)
    made = []
    if suggestions:
        known = set(
            BearingSuggestion.objects.filter(candidate__article_id=article_id).values_list("candidate_id", "claim_id")
        )
        made = [s for s in suggestions if (s.candidate.pk, s.claim.pk) not in known]
        # A concurrent delivery may have stored some since: the (candidate, claim) constraint skips them.
        BearingSuggestion.objects.bulk_create(made, ignore_conflicts=True)
    return len(made), grouping.candidates_group(article_id, likely)
