"""Matching a candidate to the existing claims it may restate, ranked, each with its reasons.

Two queries whatever the number of claims. The first asks PostgreSQL for the text's lexemes. The second
gathers a small pool from indexes, a UNION of LIMITed reads: the claims of the speaker and of its
organisation, the claims the speaker is already quoted on, and the best-ranked full-text matches (statement
A, names and quotes B) of the text's rarer words, alone or in pairs (so that few index entries are read, at
any number of claims); then it scores the pool: trigram similarity (pg_trgm), quote overlap with
each claim's appearances, unaccented lexemes in common. Python adds the fixed formula below.

The score is a fixed weighted sum of parts in 0..1, never normalised per candidate, so a threshold means the
same thing for every candidate: at or above LIKELY a claim is very probably the one restated. (Words are
weighed by their rarity in PostgreSQL's statistics, which move only as the claims do.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import combinations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import CharField, Exists, F, FloatField, Func, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from claims_tracker.claims.models import Appearance, Claim
from claims_tracker.claims.selectors import claim_word_statistics

from .models import Candidate

POOL = 15  # claims taken from each index before scoring
RARE_WORDS = 12  # the text's rarest words, alone or in pairs, find claims in the search index
WORD_MAX_SHARE = 0.3  # a word in more claims than this says nothing about which claim
WORDS_MAX_ROWS = 1000  # a word the statistics expect in more claims is looked up only in pairs
PAIR_MAX_ROWS = 300  # and a pair expected in more claims not at all (words go together more than they assume)
RANK_MAX = 2000  # matches ranked at most, whatever the words
LIMIT = 6
MAX_CHARS = 1000  # of a statement or quote: longer text is cut (trigram work grows with it)
MIN_SCORE = 0.12  # below: not shown at all
LIKELY = 0.5  # at or above: very probably the claim restated (the API's and the evaluation's threshold)
WEIGHTS = {"claimant": 0.25, "quote": 0.15, "text": 0.15, "words": 0.30, "places": 0.10, "date": 0.05}
# How closely the speaker is tied to the claim's claimant.
SAME_CLAIMANT, SAME_ORGANISATION, SPEAKER_QUOTED = 1.0, 0.6, 0.5
QUOTE_FLOOR = 0.45  # trigram overlap below this is chance, not a shared quote
_NAME = re.compile(r"\b[A-Z][\w'’-]{2,}(?:\s+[A-Z][\w'’-]{2,})*")
# Capitalised words that are not places or entities.
_NOT_NAMES = frozenset(
    """The This That These Those But And Yet For After Before Since While When Where What Who Why How
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December He She They His Her Their Its It We Our In On At By
    Lieutenant General Deputy Minister Ministry Defense Defence President Head Chief""".split()
)


@dataclass(frozen=True)
class Reason:
    code: str  # claimant, organisation, speaker, quote, text, words, places, date
    label: str


@dataclass
class Match:
    claim: Claim
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class Probe:
    """What a candidate brings to matching."""

    text: str
    quote: str = ""
    claimant_id: int | None = None
    affiliation_id: int | None = None
    when: datetime | None = None

    @classmethod
    def of(cls, candidate: Candidate) -> Probe:
        claimant = candidate.claimant
        article = candidate.article
        return cls(
            text=candidate.statement or candidate.sentence or "",
            quote=candidate.quote or candidate.statement or "",
            claimant_id=candidate.claimant_id,
            affiliation_id=claimant.affiliation_id if claimant else None,
            when=article.published_at or article.created_at,
        )

    @classmethod
    def of_claim(cls, claim: Claim) -> Probe:
        """An existing claim, to find the claims it may duplicate (the desk's merge suggestions)."""
        claimant = claim.claimant
        return cls(
            text=claim.text,
            claimant_id=claim.claimant_id,
            affiliation_id=claimant.affiliation_id if claimant else None,
            when=claim.claimed_at,
        )


def candidate_matches(candidate: Candidate, *, limit: int = LIMIT) -> list[Match]:
    """The candidate's ranked claims; the candidate needs `claimant` and `article` loaded."""
    return claim_matches(Probe.of(candidate), limit=limit)


def names_in(text: str) -> set[str]:
    """Capitalised names (places, bodies, people) in a text, without sentence openers and dates."""
    found = set()
    for name in _NAME.findall(text or ""):
        words = [w for w in name.split() if w not in _NOT_NAMES]
        if words:
            found.add(" ".join(words).replace("’", "'").removesuffix("'s"))
    return found


def _probe_words(text: str) -> tuple[list[str], list[str]]:
    """The text's lexemes as the search index has them (english), and unaccented (for words in common)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', %s)), "
            "tsvector_to_array(to_tsvector('english', unaccent(%s)))",
            [text, text],
        )
        plain, unaccented = cursor.fetchone()
    return list(plain), list(unaccented)


def _words_query(words: list[str]) -> SearchQuery | None:
    """A tsquery for claims holding the text's rarer words: alone when rare enough, else in pairs.

    Rarity is PostgreSQL's own statistics (a word they do not list is rare). A word they expect in more
    than WORDS_MAX_ROWS claims is looked up only paired with another such word, and a pair expected in
    more than PAIR_MAX_ROWS not at all, so the pool is read from few index entries at any number of claims.
    """
    claims, share = claim_word_statistics()
    # Rarest first; among words the statistics do not list, the longer (a name, a place) first.
    usable = sorted(
        (share.get(w, 0.0), -len(w), w) for w in words if len(w) > 1 and share.get(w, 0.0) <= WORD_MAX_SHARE
    )
    rare = [w for _s, _n, w in usable[:RARE_WORDS]]
    quoted = {w: "'" + w.replace("'", "''") + "'" for w in rare}
    rows = {w: share.get(w, 0.0) * claims for w in rare}
    terms = [quoted[w] for w in rare if rows[w] <= WORDS_MAX_ROWS]
    terms += [
        f"({quoted[a]} & {quoted[b]})"
        for a, b in combinations(rare, 2)
        if rows[a] > WORDS_MAX_ROWS and rows[b] > WORDS_MAX_ROWS and share[a] * share[b] * claims <= PAIR_MAX_ROWS
    ]
    return SearchQuery(" | ".join(terms), config="english", search_type="raw") if terms else None


def _pool(probe: Probe, people: list[int], words: list[str]):
    """Ids of the claims worth scoring, from indexes only: a UNION of small LIMITed reads."""
    open_claims = Claim.objects.filter(merged_into__isnull=True)
    parts = []
    if people:
        parts.append(open_claims.filter(claimant_id__in=people).order_by("-claimed_at").values_list("pk")[:POOL])
        quoted = Appearance.objects.filter(speaker_id__in=people, claim__merged_into__isnull=True)
        parts.append(quoted.order_by("-id").values_list("claim_id")[:POOL])
    query = _words_query(words)
    if query is not None:
        # Ranked among the first RANK_MAX matches the index gives: words that go together more often than
        # the statistics assume ("Russian" and "forces") cannot make one candidate read thousands of rows.
        found = open_claims.filter(search_vector=query).values("pk")[:RANK_MAX]
        ranked = Claim.objects.filter(pk__in=found).annotate(r=SearchRank(F("search_vector"), query))
        parts.append(ranked.order_by("-r").values_list("pk")[:POOL])
    if not parts:
        return None
    first, *rest = parts
    return first.union(*rest) if rest else first


def _lexemes(expression) -> Func:
    unaccented = Func(expression, function="unaccent", output_field=CharField())
    return Func(
        SearchVector(unaccented, config="english"),
        function="tsvector_to_array",
        output_field=ArrayField(CharField()),
    )


def claim_matches(probe: Probe, *, exclude: tuple[int, ...] = (), limit: int = LIMIT) -> list[Match]:
    """Existing claims for `probe`, best first, at most `limit`, each scored 0..1 with its reasons. 2 queries
    (and PostgreSQL's word statistics, read at most every ten minutes per process)."""
    probe = replace(probe, text=probe.text[:MAX_CHARS], quote=probe.quote[:MAX_CHARS])
    if not probe.text.strip():
        return []
    people = [pk for pk in (probe.claimant_id, probe.affiliation_id) if pk]
    plain_words, probe_words = _probe_words(f"{probe.text} {probe.quote}")
    pool = _pool(probe, people, plain_words)
    if pool is None:
        return []
    quote = probe.quote or probe.text
    quotes = Appearance.objects.filter(claim=OuterRef("pk")).exclude(quote="")
    parts = [TrigramSimilarity("quote", quote), TrigramWordSimilarity(F("quote"), Value(quote))]
    if len(quote.split()) >= 4:  # a short phrase is found inside any long quote
        parts.append(TrigramWordSimilarity(Value(quote), F("quote")))
    overlap = quotes.annotate(o=Greatest(*parts, output_field=FloatField())).order_by("-o").values("o")[:1]
    claims = (
        Claim.objects.filter(pk__in=pool)
        .exclude(pk__in=exclude)
        .select_related("claimant")
        .defer("search_vector", "search_document")
        .annotate(
            text_score=Greatest(
                TrigramSimilarity("text", probe.text),
                TrigramWordSimilarity(F("text"), Value(probe.text)),
                output_field=FloatField(),
            ),
            quote_score=Coalesce(Subquery(overlap, output_field=FloatField()), 0.0),
            speaker_quoted=Exists(Appearance.objects.filter(claim=OuterRef("pk"), speaker_id=probe.claimant_id))
            if probe.claimant_id
            else Value(False),
            claim_words=_lexemes(F("text")),
        )
    )
    weight = _word_weights()
    matches = [_score(claim, probe, set(probe_words), weight) for claim in claims]
    matches = [m for m in matches if m.score >= MIN_SCORE]
    matches.sort(key=lambda m: (-m.score, -m.claim.pk))
    return matches[:limit]


def _word_weights() -> Callable[[str], float]:
    """Inverse document frequency from PostgreSQL's statistics; a word they do not list counts as rare."""
    claims, share = claim_word_statistics()
    total = max(claims, 2.0)
    rare = math.log(total)
    return lambda word: math.log(1 / share[word]) if share.get(word) else rare


def _score(claim: Claim, probe: Probe, probe_words: set[str], weight: Callable[[str], float]) -> Match:
    parts: dict[str, float] = {}
    reasons: list[Reason] = []
    claimant = claim.claimant
    if probe.claimant_id and claimant.pk == probe.claimant_id:
        parts["claimant"] = SAME_CLAIMANT
        reasons.append(Reason("claimant", "same claimant"))
    elif {probe.claimant_id, probe.affiliation_id} & {claimant.pk, claimant.affiliation_id} - {None}:
        parts["claimant"] = SAME_ORGANISATION
        reasons.append(Reason("organisation", f"same organisation: {claimant.name}"))
    elif claim.speaker_quoted:
        parts["claimant"] = SPEAKER_QUOTED
        reasons.append(Reason("speaker", "speaker already quoted on this claim"))
    if claim.quote_score >= QUOTE_FLOOR:
        parts["quote"] = claim.quote_score
        reasons.append(Reason("quote", f"quote overlap {claim.quote_score:.0%}"))
    parts["text"] = claim.text_score
    claim_words = set(claim.claim_words)
    common = sorted(claim_words & probe_words)
    if common:
        # Dice over both texts' words, each weighed by its rarity (inverse document frequency).
        both = sum(weight(w) for w in claim_words) + sum(weight(w) for w in probe_words)
        parts["words"] = 2 * sum(weight(w) for w in common) / both
        reasons.append(Reason("words", "words in common: " + ", ".join(common[:6])))
    places = sorted(names_in(claim.text) & names_in(f"{probe.text} {probe.quote}") - {claimant.name})
    if places:
        parts["places"] = 1.0
        reasons.append(Reason("places", "places: " + ", ".join(places)))
    if probe.when and abs(probe.when - claim.claimed_at) <= timedelta(days=14):
        parts["date"] = 1.0
        reasons.append(Reason("date", "claimed within two weeks of the report"))
    score = sum(WEIGHTS[name] * min(1.0, value) for name, value in parts.items())
    return Match(claim=claim, score=round(score, 3), reasons=reasons)
