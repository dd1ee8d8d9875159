"""Speaker phrases: read leftwards from a reporting verb ("Ukraine's Deputy Defense Minister Hanna Malyar
wrote") or rightwards after it ("…,” said Samuel Ramani, an expert"), and the adverbials around verbs.

Over 300 lines: the leftward and rightward readers share one set of name and title rules.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .lexicon import ANAPHORIC_HEADS, GENERIC_HEADS, PRONOUNS, SPEAKER_HEADS, SPEAKER_WORDS, TITLE_HEADS

WINDOW = 300  # characters around a verb that can hold its speaker phrase
# A word (letters, digits, inner apostrophes, hyphens and dots: "U.S.", "Kyiv’s") or one other mark. Written as
# runs of one character class, which re repeats in a tight loop, rather than an alternation tried at every
# character: the same tokens at about half the cost.
_TOKEN = re.compile(r"\w[\w’'\-]*(?:\.(?=\w)[\w’'\-]*)*|[^\w\s]")
# Capitalised words that open sentences or clauses and are never part of a name.
_CAPITALISED_FUNCTION = frozenset(
    """but and or so yet however meanwhile still also then now in on at after before when while although though
    because if as since until with without by for from to of during despite thus instead indeed later earlier
    last this that these those there here it its his her their our my your we he she they i you what why how
    where which who whom one some many most several both all no not only even just asked speaking separately
    yesterday today according soon amid among across under over about around against between through within
    beyond like unlike whether even perhaps already recently finally eventually citing using following including
    given others every each such nor except""".split()
)
_AUXILIARIES = frozenset(
    """has have had also long later earlier previously repeatedly again would will did does do then has've already
    once first further separately subsequently initially finally quickly immediately publicly privately
    reportedly allegedly apparently himself herself itself themselves had've has also now still never ever even
    often always usually""".split()
)
_PREPOSITIONS = frozenset({"of", "for", "at", "and", "from", "in", "to", "on", "with", "the", "a", "an"})
TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tonight
    morning afternoon evening night week weekend month year well yes oh look okay ok""".split()
)
_PARTIES = frozenset({"republican", "democrat", "democratic", "independent", "libertarian"})
_NAME_SUFFIXES = frozenset({"Jr", "Sr", "Inc", "Co", "Corp", "Ltd"})
# Words that make the verb after a name part of a relative clause, not the sentence's report.
_WHAT_WORDS = frozenset({"everything", "anything", "nothing", "something", "whatever", "what", "much", "all"})
ORG_HEADS = frozenset(
    """ministry agency department government army military group company office police council committee kremlin
    pentagon administration regime cabinet embassy command service services union organisation organization
    association institute court news network channel newspaper television tv forces""".split()
)
# Prepositional phrases after a verb are made of these ("on the Telegram messaging app on Friday").
_PP_WORDS = frozenset(
    """the a an his her its their this last next early late earlier later morning afternoon evening night
    week weekend month year day days statement interview post posts video message messages messaging app
    social media briefing conference news press television radio tv call speech address report tweet
    channel account website blog letter email phone meeting session hearing visit trip appearance
    broadcast podcast newspaper online sunday monday tuesday wednesday thursday friday saturday january
    february march april may june july august september october november december separate joint
    brief recent written televised video-link court files filing filings papers documents records""".split()
)
_PREPS_AFTER_VERB = frozenset({"on", "in", "at", "via", "during", "through", "over", "after", "before", "from", "to"})
# "told a Senate panel", "told the House committee": the listeners' noun after a name is still the listener.
_TITLE_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "St", "Jr", "Sr", "Prof", "Lt"})
_TELL_TAILS = frozenset(
    """panel committee subcommittee hearing audience crowd reporters newspaper station radio magazine network
    affiliate program show website podcast conference""".split()
)
_SINGLE_ADVERBS = frozenset(
    """also again previously repeatedly publicly privately separately later earlier then too recently yesterday
    today tonight now once firmly flatly openly categorically strongly angrily bluntly simply late early
    last friday monday tuesday wednesday thursday saturday sunday night week""".split()
)
_TELL_OBJECTS = frozenset(
    """reporters journalists lawmakers parliament the a an news conference agency newspaper television channel
    state media broadcaster his her their supporters crowd audience viewers listeners me us him them""".split()
)


@dataclass(frozen=True)
class SpeakerPhrase:
    start: int
    end: int
    text: str
    kind: str  # "person", "org", "group" (plural/generic), "pronoun", "anaphor" ("the ministry")

    @property
    def head(self) -> str:
        last = self.text.split()[-1].lower() if self.text else ""
        return last.removesuffix("’s").removesuffix("'s")


def tokens(text: str, start: int, end: int, limit: int | None = None) -> list[tuple[int, int, str]]:
    """The tokens of text[start:end] (at most `limit`), with offsets into `text`.

    _TOKEN has no anchor, word boundary or look-behind, so searching between `start` and `end` reads exactly
    what it would read in the slice, without copying it.
    """
    matches = _TOKEN.finditer(text, start, end)
    if limit is not None:
        matches = itertools.islice(matches, limit)
    return [(*m.span(), m.group()) for m in matches]


def skip_auxiliaries_left(text: str, floor: int, pos: int) -> int:
    """Move left over "has", "had also", "finally", "at the time", "on Tuesday" between a subject and its verb."""
    phrase = _ADVERBIAL_LEFT.search(text, max(floor, pos - 40), pos)
    if phrase is not None:
        pos = phrase.start()
    toks = tokens(text, floor, pos)
    while toks:
        s, _e, word = toks[-1]
        low = word.lower()
        if low in _AUXILIARIES or (low.endswith("ly") and word.islower() and len(low) > 4):
            pos = s
            toks.pop()
            continue
        break
    return pos


_ADVERBIAL_LEFT = re.compile(
    r"\s(?:at\s+the\s+time|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|in\s+(?:a|an|his|her|its|their)"
    r"\s+(?:statement|interview|speech|letter|tweet|email|post))\s*$"
)
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_QUANTIFIER = re.compile(
    r"(?:[;,—]\s*|\b(?:and|but|while|though)\s+)?((?:[Mm]ost|[Ss]ome|[Mm]any|[Bb]oth|[Ss]everal|[Oo]thers|[Nn]early\s+half"
    r"|(?:[Nn]early\s+|[Aa]bout\s+|[Aa]lmost\s+)?(?:[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine)"
    r"\s+(?:in|out\s+of)\s+" + _NUMBER_WORD + r")(?:\s+of\s+(?:them|those))?)\s*$"
)
_FAMILIAR = re.compile(
    r"(?:\b[\w-]+\s+){0,3}(?:people|persons?|sources?|officials?|diplomats?|insiders?)\s+(?:familiar\s+with|close\s+to"
    r"|briefed\s+on|with\s+(?:direct\s+)?knowledge\s+of|involved\s+in|aware\s+of)\s+(?:the\s+|their\s+|his\s+|her\s+)?"
    r"[\w-]+(?:\s+[\w-]+)?\s*,?\s*$",
    re.I,
)


# "(D-Mo.)" and ", R-Pa.," after a name.
_PARTY_STATE = re.compile(r"\s*(?:\((?:[DRI]|[DRI]-[A-Z][\w. ]{0,12})\)|,\s*[DRI]-[A-Z][\w.]{1,12}\s*,)\s*$")


def parse_left(text: str, floor: int, pos: int) -> SpeakerPhrase | None:
    """The speaker phrase ending right before `pos` (its verb), or None."""
    floor = max(floor, pos - WINDOW)  # a speaker phrase is short; never rescan a huge run-on sentence
    pos = skip_auxiliaries_left(text, floor, pos)
    party = _PARTY_STATE.search(text, floor, pos)
    if party is not None:  # "Sen. Claire McCaskill (D-Mo.) said": party and state are not the name
        pos = party.start()
    quantity = _QUANTIFIER.search(text, floor, pos)
    # "most said", "Some say", "two in three said": a share of people named before. At the clause's start only:
    # after a separator the regex read, or with nothing before it in the sentence.
    if quantity is not None and (quantity.start() < quantity.start(1) or not text[floor : quantity.start(1)].strip()):
        return SpeakerPhrase(quantity.start(1), quantity.end(1), quantity.group(1), "group")
    familiar = _FAMILIAR.search(text, floor, pos)
    if familiar is not None:  # "two people familiar with the matter said"
        start = familiar.start() + len(familiar.group()) - len(familiar.group().lstrip())
        end = start + len(text[start:pos].rstrip(" ,"))
        return SpeakerPhrase(start, end, text[start:end], "group")
    toks = tokens(text, floor, pos)
    if not toks:
        return None
    # "Ukrainian officials, who have rejected": the relative clause points back to the phrase.
    if toks[-1][2].lower() in {"who", "which"} and len(toks) > 1 and toks[-2][2] == ",":
        return parse_left(text, floor, toks[-2][0])
    if toks[-1][2] in {",", "—", "–"}:
        return _parse_appositive(text, floor, toks)  # "X, an expert at Oxford, said", "The letter – … – warns"
    return _phrase_from(text, toks, floor)


def _parse_appositive(text: str, floor: int, toks: list[tuple[int, int, str]]) -> SpeakerPhrase | None:
    """ "Samuel Ramani, an expert at Oxford, said" or "The head of X, Pavlo Kyrylenko, said"."""
    comma = len(toks) - 1
    prev_comma = next((i for i in range(comma - 1, -1, -1) if toks[i][2] in {",", "(", "—", "–"}), None)
    if prev_comma is None or comma - prev_comma > 25 or comma - prev_comma < 2:
        return None
    inner = toks[prev_comma + 1 : comma]
    name = _phrase_from(text, inner, floor)
    head = toks[:prev_comma]
    party = _PARTY_STATE.search(text, floor, toks[prev_comma][0])
    if party is not None:  # "Sen. Claire McCaskill (D-Mo.), who has endorsed Clinton, said"
        head = [t for t in head if t[1] <= party.start()]
    # "Representative Peter T. King, Republican of New York, said": a party and state are no name.
    starts_with_name = inner[0][2][:1].isupper() and inner[0][2].lower() not in {"the", "a", "an"} | _PARTIES
    if name is not None and name.kind == "person" and name.start == inner[0][0] and starts_with_name:
        return name  # the comma-enclosed part is the name; what precedes it is the title
    if inner[0][2][:1].isupper() and inner[0][2].lower() not in {"a", "an", "the"}:
        # "Marlon Marshall, Clinton's director of state campaigns, said": a full name before a capitalised
        # appositive; "On Friday, the ministry, …" is not one (a lone word or a day is no full name).
        before = _phrase_from(text, head, floor)
        if before is None or before.kind != "person" or " " not in before.text:
            return None
        return before
    return _phrase_from(text, head, floor)


def _phrase_from(text: str, toks: list[tuple[int, int, str]], floor: int) -> SpeakerPhrase | None:
    kept: list[tuple[int, int, str]] = []
    if len(toks) > 1 and toks[-1][2] == "." and toks[-2][2] in _NAME_SUFFIXES:
        toks = toks[:-1]  # "James B. Comey Jr., the director …": the suffix's dot ends no sentence
    for tok in reversed(toks):
        word = tok[2]
        low = word.lower()
        if not kept and (pronoun := _pronoun(tok)) is not None:
            return pronoun
        if low in TITLE_HEADS and kept and kept[-1][2][:1].isupper():
            break  # "presidential candidate Herman Cain": the title before a name is no part of it
        if word[:1].isupper() or word[:1].isdigit() and kept or low in SPEAKER_WORDS:
            kept.append(tok)
        elif word in {"’s", "'s", "-", "’", "."} and kept:
            kept.append(tok)
        elif kept and word[:1].islower() and _determiner_within(toks, tok, kept):
            kept.append(tok)  # "the state statistics office": a modifier between a determiner and a known head
        else:
            break
    kept.reverse()
    if kept and kept[0][2].lower() in _WHAT_WORDS or _before(toks, kept) in _WHAT_WORDS:
        return None  # "Everything Trump said …", "what Trump said": the verb is in a relative clause
    # A phrase does not start with a preposition or a sentence-opening word ("But the ministry").
    while kept and (
        kept[0][2].lower() in _PREPOSITIONS - {"the", "a", "an"}
        or kept[0][2].lower() in _CAPITALISED_FUNCTION
        or kept[0][2] in {"’s", "'s", "-", "’", "."}
    ):
        kept.pop(0)
    if not kept:
        return None
    head = kept[-1][2]
    head_low = head.lower().removesuffix("’s").removesuffix("'s")
    if head_low in _PREPOSITIONS or head_low in _CAPITALISED_FUNCTION or head_low in TIME_WORDS:
        return None  # "Tuesday", "Well": a day or an interjection is nobody
    if head != head_low and kept[-1][2].endswith(("’s", "'s")):
        return None  # "North Korea's": a possessive modifies the subject, it does not speak
    if not (head[:1].isupper() or head_low in SPEAKER_HEADS):
        return None
    if len(kept) > 12:
        return None
    start, end = kept[0][0], kept[-1][1]
    phrase = text[start:end]
    words = [t[2] for t in kept]
    caps = [w for w in words if w[:1].isupper() and w.lower() not in {"the", "a", "an"}]
    if head_low in GENERIC_HEADS or (not caps and head_low.endswith("s")):
        kind = "group"
    elif any(w.lower() in ORG_HEADS for w in words[-2:]) or (not caps and head_low in ORG_HEADS):
        kind = "org"
    elif not caps:
        kind = "anaphor" if words[0].lower() == "the" and head_low in ANAPHORIC_HEADS else "group"
    elif words[0].lower() == "the" and len(caps) == 0:
        kind = "anaphor"
    else:
        kind = "person" if head[:1].isupper() and head_low not in ORG_HEADS else "org"
    if kind in {"org", "group"} and words[0].lower() == "the" and len(words) == 2 and head_low in ANAPHORIC_HEADS:
        kind = "anaphor"
    return SpeakerPhrase(start, end, phrase, kind)


def _before(toks: list[tuple[int, int, str]], kept: list[tuple[int, int, str]]) -> str:
    """The lower-cased token right before the phrase, or ""."""
    if not kept:
        return ""
    index = next((i for i, tok in enumerate(toks) if tok[0] == kept[0][0]), 0)
    return toks[index - 1][2].lower() if index > 0 else ""


def _determiner_within(toks: list[tuple[int, int, str]], tok: tuple[int, int, str], kept: list) -> bool:
    if not any(t[2].lower().removesuffix("’s").removesuffix("'s") in SPEAKER_HEADS for t in kept):
        return False
    index = toks.index(tok)
    for back in range(index - 1, max(-1, index - 3), -1):
        word = toks[back][2]
        if word.lower() in _DETERMINERS or word.endswith(("’s", "'s")):
            return True
        if not word[:1].islower():
            return False
    return False


_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our"})


def parse_right(text: str, pos: int, ceiling: int) -> SpeakerPhrase | None:
    """The speaker phrase starting at `pos` after an inverted verb ("said Lieutenant General Igor Konashenkov")."""
    toks = tokens(text, pos, min(ceiling, pos + WINDOW))
    kept: list[tuple[int, int, str]] = []
    for index, tok in enumerate(toks):
        word = tok[2]
        low = word.lower()
        if not kept and (pronoun := _pronoun(tok)) is not None:
            return pronoun
        if low in {"according", "adding", "saying"}:
            break
        if kept and low in _PREPS_AFTER_VERB and index + 1 < len(toks) and toks[index + 1][2].lower() in TIME_WORDS:
            break  # "said the mayor on Monday": the day is no part of the speaker
        if word[:1].isupper() or low in SPEAKER_WORDS or (word in {"’s", "'s", "-", "."} and kept):
            kept.append(tok)
        elif word[:1].islower() and (_head_ahead(toks, index) or _untitled(kept) and _name_ahead(toks, index)):
            kept.append(tok)  # "the health ministry", "the country's interior minister", "retired surgeon Ben Carson"
        else:
            break
    # "said the country's interior minister, Gerald Darmanin": the name after the comma is the speaker.
    if kept and kept[-1][2][:1].islower() and len(toks) > len(kept) + 1 and toks[len(kept)][2] == ",":
        name = parse_right(text, toks[len(kept)][1], ceiling)
        if name is not None and name.kind == "person" and " " in name.text:
            return name
    while kept and (kept[-1][2].lower() in _PREPOSITIONS or kept[-1][2] in {"’s", "'s", "-", "."}):
        kept.pop()
    if not kept:
        return None
    return _phrase_from(text, kept, pos)


def _pronoun(tok: tuple[int, int, str]) -> SpeakerPhrase | None:
    """ "he" or "He’d" (the contraction's pronoun): a pronoun speaker, else None."""
    word = re.split(r"[’']", tok[2], maxsplit=1)[0]
    if word.lower() not in PRONOUNS:
        return None
    return SpeakerPhrase(tok[0], tok[0] + len(word), word, "pronoun")


def _head_ahead(toks: list[tuple[int, int, str]], index: int) -> bool:
    for tok in toks[index : index + 4]:
        low = tok[2].lower()
        if low in SPEAKER_HEADS:
            return True
        if not low[:1].isalpha():
            return False
    return False


def _untitled(kept: list[tuple[int, int, str]]) -> bool:
    return not any(tok[2][:1].isupper() for tok in kept)


def _name_ahead(toks: list[tuple[int, int, str]], index: int) -> bool:
    """ "said retired surgeon Ben Carson", "said master of ceremonies Ali Tabrizi": lower-case title words, then
    a full name (two capitalised words)."""
    for at in range(index, min(len(toks) - 1, index + 4)):
        word, following = toks[at][2], toks[at + 1][2]
        if word[:1].isupper():
            return following[:1].isupper() and word.lower() not in _CAPITALISED_FUNCTION
        if not word.isalpha() or not word.islower() or word in _CAPITALISED_FUNCTION or word in _NOT_TITLES:
            return False  # "said that the German Reich …", "said Sears who is the Lake X manager"
    return False


_NOT_TITLES = frozenset({"is", "was", "are", "were", "be", "has", "had", "have", "will", "would", "the", "a", "an"})


def sentence_subject(text: str, start: int, end: int) -> SpeakerPhrase | None:
    """A named subject opening the sentence ("Kaja Kallas arrived …", "Dr. Amira Haddad, who …")."""
    # At most 10 words are read, and the one after them: tokenising the rest was most of the finder's time.
    toks = tokens(text, start, min(end, start + 200), limit=11)
    count = 0
    while count < len(toks) and count < 10:
        word = toks[count][2]
        if not (word[:1].isupper() or word.lower() in SPEAKER_WORDS or word in {"’s", "'s", "."}):
            break
        count += 1
    if count == 0 or count >= len(toks) or not (toks[count][2][:1].islower() or toks[count][2] == ","):
        return None
    if toks[count - 1][2].endswith(("’s", "'s")) and toks[count][2][:1].islower():
        return None  # "Bloomberg’s presence in …": the name only modifies the subject
    phrase = _phrase_from(text, toks[:count], start)
    if phrase is None or phrase.end != toks[count - 1][1] or phrase.kind not in {"person", "org"}:
        return None
    return phrase


def skip_adverbials(text: str, pos: int, end: int, *, lemma: str = "") -> int:
    """Past "on Friday", "in a statement", "on the Telegram messaging app", "told reporters"."""
    end = min(end, pos + WINDOW)
    toks = tokens(text, pos, end)
    i = 0
    if lemma == "tell":
        j = i
        named = False  # "told Morning Joe the deal was good": after a name, "the" opens what was said
        while j < len(toks) and j - i < 5:
            if toks[j][2][:1].isupper():
                named = True
            elif named and toks[j][2] in _TELL_TAILS:
                pass
            elif named or toks[j][2].lower() not in _TELL_OBJECTS:
                break
            j += 1
        i = j
    if lemma in {"say", "add", "write"} and i < len(toks) and toks[i][2].lower() in {"of", "about"}:
        # "said of the episode, “…”", "said of the swirl of activities.": what was said follows the comma, or
        # came before.
        j = next(
            (
                k
                for k in range(i + 1, min(len(toks), i + 10))
                if toks[k][2] in {",", ":", ";"} or toks[k][2] == "." and toks[k - 1][2] not in _TITLE_ABBREVIATIONS
            ),
            None,
        )
        if j is not None:
            i = j
    while i < len(toks):
        low = toks[i][2].lower()
        if low in _SINGLE_ADVERBS or low in {"this", "last", "earlier"} and i + 1 < len(toks):
            i += 1
            continue
        if low in _PREPS_AFTER_VERB:
            j = i + 1
            while j < len(toks) and j - i <= 6 and (toks[j][2].lower() in _PP_WORDS or toks[j][2][:1].isupper()):
                j += 1
            if j > i + 1:
                i = j
                continue
        break
    return toks[i][0] if i < len(toks) else end
