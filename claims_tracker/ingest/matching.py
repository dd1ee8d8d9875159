"""Match a speaker as written ("Ukraine's Deputy Defense Minister Hanna Malyar") to a Claimant.

Four steps, strictest first: an exact alias, an alias found inside the name (titles and
organisations around a known name), the same role written another way (`canonical`: "Ukraine's president",
"the Ukrainian president" and "President of Ukraine"; "defence" and "defense"; "boss", "head" and "chief"), then
fuzzy matching with rapidfuzz for spelling variants.
A wrong match costs more than no match: anything ambiguous or weak returns `claimant_id=None`
with the candidates, so an editor decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from claims_tracker.lib.text import normalize_name

FUZZY_ACCEPT = 90.0  # at or above: a spelling variant of one known name
FUZZY_SUGGEST = 72.0  # at or above: shown to the editor as a candidate, never matched
FUZZY_MARGIN = 6.0  # the best claimant must beat the next one by this much
MAX_CANDIDATES = 5

# Words that may stand before a known name without making it someone else ("Lt Gen", "Deputy Minister").
_TITLE_WORDS = frozenset(
    """
    mr mrs ms miss dr prof professor sir dame lord lady gen general lt lieutenant col colonel maj major capt
    captain sgt sergeant adm admiral cmdr commander marshal brig brigadier president vice prime minister deputy
    secretary spokesman spokeswoman spokesperson chief head boss leader founder chairman chairwoman chair ceo
    director senator sen rep representative gov governor mayor ambassador envoy king queen prince princess
    analyst expert official officer aide adviser advisor defense defence foreign interior state the former
    acting senior top press regional local military army ministry
    """.split()
)
_NAME_TOKEN = re.compile(r"[\w']+")
# One spelling of words outlets write several ways.
_SAME_WORD = {"defence": "defense", "boss": "chief", "head": "chief", "leader": "chief", "organisation": "organization"}
# A country's adjective as its name: "the Ukrainian president" is "Ukraine's president".
_COUNTRY_OF = {
    "afghan": "afghanistan", "american": "us", "argentine": "argentina", "australian": "australia",
    "belarusian": "belarus", "brazilian": "brazil", "british": "uk", "canadian": "canada", "chinese": "china",
    "egyptian": "egypt", "french": "france", "german": "germany", "indian": "india", "iranian": "iran",
    "iraqi": "iraq", "israeli": "israel", "italian": "italy", "japanese": "japan", "lebanese": "lebanon",
    "mexican": "mexico", "palestinian": "palestine", "polish": "poland", "russian": "russia", "saudi": "saudi arabia",
    "serbian": "serbia", "spanish": "spain", "swedish": "sweden", "syrian": "syria", "turkish": "turkey",
    "ukrainian": "ukraine", "venezuelan": "venezuela", "united states": "us", "united kingdom": "uk",
}  # fmt: skip
_OF_PHRASE = re.compile(r"^(.+?) of (?:the )?(.+)$")


def canonical(normalized: str) -> str:
    """A normalised name with its role written one way: possessives dropped, a country's adjective as its name,
    "X of Y" as "Y X", one spelling per word. Only whole-name lookups use it (never a stored alias)."""
    text = re.sub(r"^(?:the|a|an) ", "", normalized)
    text = re.sub(r"'s\b", "", text)
    of = _OF_PHRASE.match(text)
    if of:
        text = f"{of.group(2)} {of.group(1)}"
    for phrase, country in _COUNTRY_OF.items():
        if " " in phrase:
            text = re.sub(rf"\b{phrase}\b", country, text)
    words = [_SAME_WORD.get(w, w) for w in text.split() if w not in ("the", "a", "an")]
    return " ".join(_COUNTRY_OF.get(w, w) for w in words)


@dataclass(frozen=True)
class MatchCandidate:
    claimant_id: int
    name: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    claimant_id: int | None
    score: float
    ambiguous: bool = False
    candidates: tuple[MatchCandidate, ...] = field(default_factory=tuple)

    @property
    def matched(self) -> bool:
        return self.claimant_id is not None


NO_MATCH = MatchResult(claimant_id=None, score=0.0)


class ClaimantMatcher:
    """Built once per batch of articles; `match` is pure and needs no database."""

    def __init__(self, claimants: Iterable[tuple[int, str, Iterable[str]]]) -> None:
        """`claimants`: (id, name, aliases) with aliases as written or already normalised."""
        self._names: dict[int, str] = {}
        self._by_alias: dict[str, set[int]] = defaultdict(set)
        self._tokens: dict[int, set[str]] = defaultdict(set)
        for claimant_id, name, aliases in claimants:
            self._names[claimant_id] = name
            for alias in (name, *aliases):
                normalized = normalize_name(alias)
                if normalized:
                    self._by_alias[normalized].add(claimant_id)
                    self._tokens[claimant_id].update(normalized.split())
        self._alias_list = list(self._by_alias)
        self._by_canonical: dict[str, set[int]] = defaultdict(set)
        for alias, ids in self._by_alias.items():
            self._by_canonical[canonical(alias)].update(ids)
        # Longest first, so the most specific alias inside a name wins.
        self._alias_tokens = sorted(((a.split(), a) for a in self._alias_list), key=lambda x: -len(x[0]))

    @classmethod
    def from_db(cls) -> ClaimantMatcher:
        from claims_tracker.claims.models import Claimant, ClaimantAlias

        aliases: dict[int, list[str]] = defaultdict(list)
        for claimant_id, normalized in ClaimantAlias.objects.values_list("claimant_id", "normalized"):
            aliases[claimant_id].append(normalized)
        return cls((pk, name, aliases[pk]) for pk, name in Claimant.objects.values_list("pk", "name"))

    def __len__(self) -> int:
        return len(self._names)

    def match(self, name: str) -> MatchResult:
        query = normalize_name(name or "")
        if not query or not self._names:
            return NO_MATCH
        query = re.sub(r"^(?:the|a|an) ", "", query)
        exact = self._by_alias.get(query) or self._by_alias.get(f"the {query}")
        if exact:
            return self._decide({cid: 100.0 for cid in exact}, exact=True)
        inside = self._match_inside(name, query)
        if inside is not None:
            return inside
        same_role = self._by_canonical.get(canonical(query))
        if same_role:
            return self._decide({cid: 95.0 for cid in same_role}, exact=True)
        return self._match_fuzzy(query)

    def _match_inside(self, original: str, query: str) -> MatchResult | None:
        """A known alias as whole words inside the name; the one ending the phrase is its head."""
        words = query.split()
        cased = _cased_tokens(original)
        found: list[tuple[int, int, int, str]] = []  # (rank, length, end, alias)
        for alias_words, alias in self._alias_tokens:
            size = len(alias_words)
            for start in range(len(words) - size + 1):
                if words[start : start + size] == alias_words:
                    end = start + size
                    # The alias that ends the phrase is its head ("Russia's Defense Ministry spokesman X").
                    rank = 2 if end == len(words) else 1 if start == 0 else 0
                    found.append((rank, size, start, alias))
        if not found:
            return None
        rank, size, start, _alias = max(found)
        best = {
            cid: 95.0 - 5 * (2 - r)
            for r, s, st, alias in found
            if r == rank and s == size
            for cid in self._by_alias[alias]
        }
        if len(best) == 1:
            claimant_id = next(iter(best))
            before = start - 1
            # "Richard Wagner" is not the Wagner Group: an unknown capitalised word right before the alias
            # is probably a first name of someone else.
            if before >= 0 and before < len(cased):
                word = cased[before]
                known = words[before] in self._tokens[claimant_id] or words[before] in _TITLE_WORDS
                if not known and word[:1].isupper() and not word.endswith("'s"):
                    fuzzy = self._match_fuzzy(query)
                    if fuzzy.claimant_id == claimant_id:  # "Hana Malyar": a spelling variant after all
                        return fuzzy
                    return MatchResult(
                        claimant_id=None,
                        score=0.6,
                        candidates=(MatchCandidate(claimant_id, self._names[claimant_id], 60.0),),
                    )
        return self._decide(best)

    def _match_fuzzy(self, query: str) -> MatchResult:
        scores: dict[int, float] = {}
        for alias, score, _ in process.extract(
            query, self._alias_list, scorer=fuzz.token_sort_ratio, limit=20, score_cutoff=FUZZY_SUGGEST
        ):
            for cid in self._by_alias[alias]:
                scores[cid] = max(scores.get(cid, 0.0), float(score))
        if not scores:
            return NO_MATCH
        return self._decide(scores, threshold=FUZZY_ACCEPT)

    def _decide(self, scores: dict[int, float], *, exact: bool = False, threshold: float = 0.0) -> MatchResult:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._names[item[0]]))
        candidates = tuple(MatchCandidate(cid, self._names[cid], round(s, 1)) for cid, s in ranked[:MAX_CANDIDATES])
        best_id, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        ambiguous = len(ranked) > 1 and (exact or best - runner_up < FUZZY_MARGIN)
        if ambiguous or best < threshold:
            return MatchResult(claimant_id=None, score=best / 100, ambiguous=ambiguous, candidates=candidates)
        return MatchResult(claimant_id=best_id, score=best / 100, candidates=candidates)


def _cased_tokens(name: str) -> list[str]:
    """The tokens normalize_name produces, with their original case (to tell names from words)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NAME_TOKEN.findall(re.sub(r"[^\w' ]+", " ", stripped))
