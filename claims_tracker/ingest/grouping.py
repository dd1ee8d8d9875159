"""Grouping: candidates from different articles that restate one statement become one CandidateGroup.

Two candidates restate one statement when they have the same speaker (the same claimant, or, when neither is
matched to one, the same name as written; or, when one speaker is a name no claimant was matched to, such as
"Moscow" or "the Wagner boss", both have the same likely claim) and either their first matches among the claims
are the same claim, both scoring at least SAME_CLAIM (the candidate's `likely_claim`), or their statements say
the same in about the same words: `restatement_score`, a fixed 0..1 score, at or above SAME_STATEMENT.
The score is the larger of two overlaps, each explainable: the share of rarer words in common (Dice over
stemmed content words) and character trigram overlap (Jaccard over pg_trgm-style trigrams, which survives
inflection and spelling variants). The threshold was chosen on the dev half of bench/eval_matching.py's data
and is reported on its test half: both were chosen as the pair giving the most recall at a pairwise precision
of 0.95 or more there (`bench/eval_matching.py --sweep` prints the grid).

Run after an article's candidates are stored, in a task of its own (tasks.relate_candidates, ids in), so the
pipeline's per-article query budget is untouched: one read of the article's new candidates, one read of the
same speakers' recent candidates elsewhere, then a few writes for all of the article's candidates grouped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from claims_tracker.lib.text import normalize_name

from .models import Candidate, CandidateGroup, CandidateState

SAME_STATEMENT = 0.55  # at or above: the same statement (chosen on the evaluation's dev half)
SAME_CLAIM = 0.3  # both first matches the same claim, each scoring at least this (chosen likewise)
WINDOW = timedelta(days=30)  # a restatement is reported within weeks; older candidates are not compared
PEERS_MAX = 500  # recent candidates of the same speakers compared, newest first
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its me my no not of
    on or our she so than that the their them then there these they this those to was we were what when which who
    will with would you your said says say told according also just about over after more""".split()
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall((text or "").lower()) if w not in _STOP and len(w) > 1}


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lower-cased, padded with two spaces before and one after."""
    found: set[str] = set()
    for word in _WORD.findall((text or "").lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


@dataclass(frozen=True)
class Restatement:
    score: float
    words: float
    letters: float

    @property
    def reasons(self) -> list[str]:
        return [f"words in common {self.words:.0%}", f"letters in common {self.letters:.0%}"]


def restatement_score(a: str, b: str) -> Restatement:
    """How surely two statements say the same thing, 0..1; the same for the same two texts in either order."""
    wa, wb = content_words(a), content_words(b)
    words = 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0
    ta, tb = trigrams(a), trigrams(b)
    letters = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    return Restatement(score=round(max(words, letters), 3), words=words, letters=letters)


def candidate_text(candidate: Candidate) -> str:
    return candidate.statement or candidate.quote or candidate.sentence or ""


def speaker_key(candidate: Candidate) -> tuple[str, object] | None:
    """Who speaks, as grouping compares it; None when nobody is named (an unattributed line is never grouped)."""
    if candidate.claimant_id:
        return ("claimant", candidate.claimant_id)
    name = normalize_name(candidate.speaker_text or "")
    return ("name", name) if name else None


def same_speaker(
    a_key: tuple[str, object], b_key: tuple[str, object], a_claim: int | None, b_claim: int | None
) -> bool:
    """The same speaker, or a speaker named in a way no claimant matched whose likely claim is the other's."""
    if a_key == b_key:
        return True
    return "name" in (a_key[0], b_key[0]) and a_claim is not None and a_claim == b_claim


def same_statement(a_text: str, a_claim: int | None, b_text: str, b_claim: int | None) -> bool:
    """The rule, as the evaluation measures it (the speakers already known to be the same)."""
    if a_claim is not None and a_claim == b_claim:
        return True
    return restatement_score(a_text, b_text).score >= SAME_STATEMENT


def candidates_group(article_id: int, likely: dict[int, int] | None = None) -> int:
    """Put the article's new, ungrouped candidates into the groups of the statements they restate, or into new
    groups with them. `likely`: candidate id -> its likely claim (ingest.bearing computes both from one match
    list). Idempotent: a candidate already grouped, or split off by an editor, is left as it is.
    Returns how many of the article's candidates were grouped."""
    likely = likely or {}
    own = list(
        Candidate.objects.filter(
            article_id=article_id, state=CandidateState.NEW, group__isnull=True, kept_apart=False
        ).only("pk", "article_id", "statement", "quote", "sentence", "claimant_id", "speaker_text")
    )
    for candidate in own:
        candidate.likely_claim_id = likely.get(candidate.pk)
    if likely:
        Candidate.objects.filter(pk__in=likely, likely_claim__isnull=True).update(
            likely_claim_id=Case(*(When(pk=pk, then=Value(claim)) for pk, claim in likely.items()))
        )
    keyed = [(c, speaker_key(c)) for c in own]
    keyed = [(c, key) for c, key in keyed if key is not None]
    if not keyed:
        return 0
    claimants = {key[1] for _c, key in keyed if key[0] == "claimant"}
    names = {c.speaker_text for c, key in keyed if key[0] == "name"}
    same_claims = {c.likely_claim_id for c, _key in keyed if c.likely_claim_id is not None}
    speakers = Q(claimant_id__in=claimants) | Q(claimant__isnull=True, speaker_text__in=names)
    if same_claims:
        speakers |= Q(likely_claim_id__in=same_claims)
    peers = list(
        Candidate.objects.filter(speakers, kept_apart=False, created_at__gte=timezone.now() - WINDOW)
        .exclude(article_id=article_id)
        .exclude(state=CandidateState.REJECTED)
        .order_by("-created_at", "-id")
        .only(
            "pk",
            "article_id",
            "statement",
            "quote",
            "sentence",
            "claimant_id",
            "speaker_text",
            "group_id",
            "likely_claim_id",
        )[:PEERS_MAX]
    )
    chosen = []
    for candidate, key in keyed:
        text = candidate_text(candidate)
        scored = [
            (restatement_score(text, candidate_text(p)).score, p)
            for p in peers
            if (peer_key := speaker_key(p)) is not None
            and same_speaker(key, peer_key, candidate.likely_claim_id, p.likely_claim_id)
            and same_statement(text, candidate.likely_claim_id, candidate_text(p), p.likely_claim_id)
        ]
        if scored:
            _score, best = max(scored, key=lambda sp: (sp[0], sp[1].group_id is not None, -sp[1].pk))
            chosen.append((candidate.pk, best.pk))
    return _join(article_id, chosen) if chosen else 0


@transaction.atomic
def _join(article_id: int, chosen: list[tuple[int, int]]) -> int:
    """Put each chosen candidate (id) in its peer's (id) group, starting one for a peer that has none; a group
    takes one candidate per report. Returns how many joined.

    Locks the candidates and their peers in one statement, in id order: two reports grouped at once on one peer
    end in one group (the second waits, then sees the group the first started), and two reports that restate
    each other, grouped at once, never wait on each other in a cycle (the second finds its candidate grouped)."""
    locked = {
        c.pk: c
        for c in Candidate.objects.select_for_update()
        .filter(pk__in={pk for pair in chosen for pk in pair}, kept_apart=False)
        .order_by("pk")
        .only("pk", "statement", "quote", "sentence", "claimant_id", "speaker_text", "group_id")
    }
    chosen = [(c, p) for c, p in chosen if c in locked and locked[c].group_id is None and p in locked]
    peers = {p: locked[p] for _c, p in chosen}
    # A group that has this report's member already takes no other (groups started here have none).
    existing = {p.group_id for p in peers.values()} - {None}
    taken = set(
        Candidate.objects.filter(group_id__in=existing, article_id=article_id).values_list("group_id", flat=True)
        if existing
        else ()
    )
    joining = [(c, peers[p]) for c, p in chosen if peers[p].group_id not in taken]
    starting = list({peer.pk: peer for _c, peer in joining if peer.group_id is None}.values())
    if starting:
        groups = CandidateGroup.objects.bulk_create(
            CandidateGroup(
                claimant_id=p.claimant_id,
                speaker_key="" if p.claimant_id else normalize_name(p.speaker_text or ""),
                statement=candidate_text(p),
            )
            for p in starting
        )
        for peer, group in zip(starting, groups, strict=True):
            peer.group_id = group.pk
        _set_groups({p.pk: p.group_id for p in starting})
    wanted = {}
    for candidate_id, peer in joining:
        if peer.group_id not in taken:  # two of this report's candidates chose one group: the first joins it
            taken.add(peer.group_id)
            wanted[candidate_id] = peer.group_id
    return _set_groups(wanted)


def _set_groups(groups: dict[int, int]) -> int:
    """One UPDATE: each candidate (id) into its group (id)."""
    if not groups:
        return 0
    return Candidate.objects.filter(pk__in=groups).update(
        group_id=Case(*(When(pk=pk, then=Value(group)) for pk, group in groups.items()))
    )
