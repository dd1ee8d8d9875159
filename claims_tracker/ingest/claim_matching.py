"""Matching a candidate to the existing claims it may restate, ranked, each with its reasons.

Three queries whatever the number of claims, and whatever the number of candidates matched at once (an
article's, the API's list). The first asks PostgreSQL for the texts' lexemes. The second gathers, for each
text, a small pool from indexes, a UNION of LIMITed reads: the claims of the speaker and of its
organisation, the claims the speaker is already quoted on, and the best-ranked full-text matches (statement
A, names and quotes B) of the text's rarer words, alone or in pairs (so that few index entries are read, at
any number of claims); and it scores each pool: trigram similarity (pg_trgm), quote overlap with each
claim's appearances, the claim's unaccented lexemes. The third reads the claims scored, with their
claimants; Python adds the fixed formula below. The second is raw SQL: one statement over a list of texts,
each with its own pool, is more than the ORM can say (an ORM query per text cost more than PostgreSQL's work).

The score is a fixed weighted sum of parts in 0..1, never normalised per candidate, so a threshold means the
same thing for every candidate: at or above LIKELY a claim is very probably the one restated. (Words are
weighed by their rarity in PostgreSQL's statistics, which move only as the claims do.) One module of a little
over 300 lines: the pools, their SQL and the formula are one matcher, read and changed together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import combinations

from django.db import connection

from claims_tracker.claims.models import Claim
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


def _probe_words(texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """Each text's lexemes as the search index has them (english), and unaccented (for words in common)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', t)),"
            " tsvector_to_array(to_tsvector('english', unaccent(t)))"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS probe(t, n) ORDER BY n",
            [texts],
        )
        return [(list(plain), list(unaccented)) for plain, unaccented in cursor.fetchall()]


def _words_query(words: list[str]) -> str | None:
    """A tsquery (to_tsquery's syntax) for claims holding the text's rarer words: alone when rare enough, else
    in pairs.

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
    return " | ".join(terms) if terms else None


# The pool of one probe: ids of the claims worth scoring, from indexes only, a UNION of small LIMITed reads.
# The claims of the speaker and of its organisation, the claims they are quoted on, and the best-ranked
# full-text matches among the first RANK_MAX the index gives (words that go together more often than the
# statistics assume, "Russian" and "forces", cannot make one probe read thousands of rows).
_BY_PEOPLE = (
    "(SELECT id FROM claims_claim WHERE merged_into_id IS NULL AND claimant_id = ANY(%s::bigint[])"
    " ORDER BY claimed_at DESC LIMIT %s)",
    "(SELECT a.claim_id FROM claims_appearance a JOIN claims_claim c ON c.id = a.claim_id"
    " WHERE c.merged_into_id IS NULL AND a.speaker_id = ANY(%s::bigint[]) ORDER BY a.id DESC LIMIT %s)",
)
_BY_WORDS = (
    "(SELECT id FROM claims_claim WHERE id IN (SELECT id FROM claims_claim WHERE merged_into_id IS NULL"
    " AND search_vector @@ to_tsquery('english', %s) ORDER BY claimed_at DESC, id DESC LIMIT %s)"
    " ORDER BY ts_rank(search_vector, to_tsquery('english', %s)) DESC LIMIT %s)"
)
# Every probe's pool scored in one statement: trigram similarity of the texts (pg_trgm), the best overlap of
# the probe's quote with the claim's appearances, whether the speaker is quoted on the claim. A short quote
# (under 4 words) is not looked for inside the appearances' quotes: a short phrase is found in any long one.
_SCORES = """
WITH probe AS (
    SELECT * FROM unnest(%s::text[], %s::text[], %s::bool[], %s::bigint[]) WITH ORDINALITY
        AS p(text, quote, long_quote, claimant_id, n)
), pool (n, id) AS ({pools})
SELECT pool.n, c.id,
    GREATEST(similarity(c.text, p.text), word_similarity(c.text, p.text)),
    COALESCE((
        SELECT GREATEST(similarity(a.quote, p.quote), word_similarity(a.quote, p.quote),
                        CASE WHEN p.long_quote THEN word_similarity(p.quote, a.quote) END) AS o
        FROM claims_appearance a WHERE a.claim_id = c.id AND a.quote <> '' ORDER BY o DESC LIMIT 1
    ), 0.0),
    EXISTS (SELECT FROM claims_appearance a WHERE a.claim_id = c.id AND a.speaker_id = p.claimant_id),
    tsvector_to_array(to_tsvector('english', unaccent(c.text)))
FROM pool JOIN probe p ON p.n = pool.n JOIN claims_claim c ON c.id = pool.id
WHERE c.id <> ALL(%s::bigint[])
"""


def _pool(n: int, people: list[int], words: str | None) -> tuple[str, list] | None:
    """The SQL and parameters of the n-th probe's pool (counted from 1), or None when nothing can find it a
    claim (no speaker known, no word rare enough)."""
    parts, params = [], []
    if people:
        for sql in _BY_PEOPLE:
            parts.append(sql)
            params += [people, POOL]
    if words is not None:
        parts.append(_BY_WORDS)
        params += [words, RANK_MAX, words, POOL]
    if not parts:
        return None
    return f"SELECT {n}, id FROM ({' UNION '.join(parts)}) AS pool{n}", params


def claim_matches(probe: Probe, *, exclude: tuple[int, ...] = (), limit: int = LIMIT) -> list[Match]:
    """Existing claims for `probe`, best first, at most `limit`, each scored 0..1 with its reasons."""
    return claim_matches_many([probe], exclude=exclude, limit=limit)[0]


def candidates_matches(candidates: Sequence[Candidate], *, limit: int = LIMIT) -> list[list[Match]]:
    """candidate_matches for each candidate, in as many queries as for one."""
    return claim_matches_many([Probe.of(c) for c in candidates], limit=limit)


def claim_matches_many(
    probes: Sequence[Probe], *, exclude: tuple[int, ...] = (), limit: int = LIMIT
) -> list[list[Match]]:
    """claim_matches for each probe, in three queries at most whatever their number: the texts' lexemes,
    every pool with its scores, the claims scored (and PostgreSQL's word statistics, read at most every ten
    minutes per process). Each probe's matches are the same as alone: the pools and scores are per probe."""
    probes = [replace(p, text=p.text[:MAX_CHARS], quote=p.quote[:MAX_CHARS]) for p in probes]
    found: list[list[Match]] = [[] for _ in probes]
    live = [n for n, p in enumerate(probes) if p.text.strip()]
    if not live:
        return found
    words = dict(zip(live, _probe_words([f"{probes[n].text} {probes[n].quote}" for n in live]), strict=True))
    pools, params = [], []
    for n in live:
        probe = probes[n]
        pool = _pool(n + 1, [pk for pk in (probe.claimant_id, probe.affiliation_id) if pk], _words_query(words[n][0]))
        if pool is not None:
            pools.append(pool[0])
            params += pool[1]
    if not pools:
        return found
    quotes = [p.quote or p.text for p in probes]
    probe_columns = [
        [p.text for p in probes],
        quotes,
        [len(q.split()) >= 4 for q in quotes],
        [p.claimant_id for p in probes],
    ]
    with connection.cursor() as cursor:
        cursor.execute(_SCORES.format(pools=" UNION ALL ".join(pools)), [*probe_columns, *params, list(exclude)])
        rows = cursor.fetchall()
    claims = Claim.objects.select_related("claimant").defer("search_vector", "search_document")
    claims = claims.in_bulk({row[1] for row in rows})
    weight = _word_weights()
    for n, claim_id, *scores in rows:
        if claim_id in claims:  # not deleted in between
            match = _score(claims[claim_id], probes[n - 1], set(words[n - 1][1]), weight, *scores)  # n from 1
            if match.score >= MIN_SCORE:
                found[n - 1].append(match)
    for matches in found:
        matches.sort(key=lambda m: (-m.score, -m.claim.pk))
        del matches[limit:]
    return found


def _word_weights() -> Callable[[str], float]:
    """Inverse document frequency from PostgreSQL's statistics; a word they do not list counts as rare."""
    claims, share = claim_word_statistics()
    total = max(claims, 2.0)
    rare = math.log(total)
    return lambda word: math.log(1 / share[word]) if share.get(word) else rare


def _score(
    claim: Claim,
    probe: Probe,
    probe_words: set[str],
    weight: Callable[[str], float],
    text_score: float,
    quote_score: float,
    speaker_quoted: bool,
    claim_words: list[str],
) -> Match:
    """The fixed formula, from the statement's parts (see _SCORES)."""
    parts: dict[str, float] = {}
    reasons: list[Reason] = []
    claimant = claim.claimant
    if probe.claimant_id and claimant.pk == probe.claimant_id:
        parts["claimant"] = SAME_CLAIMANT
        reasons.append(Reason("claimant", "same claimant"))
    elif {probe.claimant_id, probe.affiliation_id} & {claimant.pk, claimant.affiliation_id} - {None}:
        parts["claimant"] = SAME_ORGANISATION
        reasons.append(Reason("organisation", f"same organisation: {claimant.name}"))
    elif speaker_quoted:
        parts["claimant"] = SPEAKER_QUOTED
        reasons.append(Reason("speaker", "speaker already quoted on this claim"))
    if quote_score >= QUOTE_FLOOR:
        parts["quote"] = quote_score
        reasons.append(Reason("quote", f"quote overlap {quote_score:.0%}"))
    parts["text"] = text_score
    claim_words = set(claim_words)
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
