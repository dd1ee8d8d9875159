"""Reporting verbs and the stance each one gives a speaker, plus the words a speaker phrase is made of.

Over 300 lines because it is word lists, not logic: each list is read in one place, and split across modules they
would be harder to keep consistent (a verb added here needs its kind of object, its participle and its noun uses).
"""

from __future__ import annotations

import re


class Stance:
    """The values of claims_tracker.claims.models.Stance, kept here so the finder runs without Django."""

    ASSERTS = "asserts"
    DENIES = "denies"
    CONFIRMS = "confirms"
    DISPUTES = "disputes"
    REPORTS = "reports"


# lemma -> (stance, inflected forms). Only verbs that introduce what someone said or wrote.
_VERBS: dict[str, tuple[str, tuple[str, ...]]] = {
    "say": (Stance.ASSERTS, ("said", "says", "say", "saying")),
    "tell": (Stance.ASSERTS, ("told", "tells", "tell")),
    "add": (Stance.ASSERTS, ("added", "adds")),
    "state": (Stance.ASSERTS, ("stated", "states")),
    "claim": (Stance.ASSERTS, ("claimed", "claims", "claim")),
    "boast": (Stance.ASSERTS, ("boasted", "boasts")),
    "insist": (Stance.ASSERTS, ("insisted", "insists", "insist")),
    "argue": (Stance.ASSERTS, ("argued", "argues", "argue")),
    "maintain": (Stance.ASSERTS, ("maintained", "maintains")),
    "write": (Stance.ASSERTS, ("wrote", "writes")),
    "post": (Stance.ASSERTS, ("posted",)),
    "tweet": (Stance.ASSERTS, ("tweeted",)),
    "announce": (Stance.ASSERTS, ("announced", "announces", "announcing")),
    "declare": (Stance.ASSERTS, ("declared", "declares")),
    "warn": (Stance.ASSERTS, ("warned", "warns")),
    "explain": (Stance.ASSERTS, ("explained", "explains")),
    "note": (Stance.ASSERTS, ("noted", "notes")),
    "stress": (Stance.ASSERTS, ("stressed", "stresses")),
    "emphasize": (Stance.ASSERTS, ("emphasized", "emphasised", "emphasizes", "emphasises")),
    "assert": (Stance.ASSERTS, ("asserted", "asserts")),
    "allege": (Stance.ASSERTS, ("alleged", "alleges")),
    "suggest": (Stance.ASSERTS, ("suggested", "suggests", "suggesting", "suggest")),
    "predict": (Stance.ASSERTS, ("predicted", "predicts")),
    "estimate": (Stance.ASSERTS, ("estimated", "estimates")),
    "vow": (Stance.ASSERTS, ("vowed", "vows")),
    "promise": (Stance.ASSERTS, ("promised", "promises", "promising", "promise")),
    "pledge": (Stance.ASSERTS, ("pledged", "pledges")),
    "urge": (Stance.ASSERTS, ("urged", "urges")),
    "accuse": (Stance.ASSERTS, ("accused", "accuses")),
    "report": (Stance.ASSERTS, ("reported", "reports")),
    "recall": (Stance.ASSERTS, ("recalled", "recalls")),
    "reply": (Stance.ASSERTS, ("replied", "replies")),
    "respond": (Stance.ASSERTS, ("responded", "responds")),
    "answer": (Stance.ASSERTS, ("answered",)),
    "ask": (Stance.ASSERTS, ("asked", "asks")),
    "continue": (Stance.ASSERTS, ("continued",)),
    "observe": (Stance.ASSERTS, ("observed",)),
    "remark": (Stance.ASSERTS, ("remarked",)),
    "reiterate": (Stance.ASSERTS, ("reiterated",)),
    "indicate": (Stance.ASSERTS, ("indicated",)),
    "believe": (Stance.ASSERTS, ("believes", "believed", "believe")),
    "think": (Stance.ASSERTS, ("thinks", "thought")),
    "testify": (Stance.ASSERTS, ("testified",)),
    "complain": (Stance.ASSERTS, ("complained",)),
    "concede": (Stance.CONFIRMS, ("conceded", "concedes")),
    "confirm": (Stance.CONFIRMS, ("confirmed", "confirms")),
    "acknowledge": (Stance.CONFIRMS, ("acknowledged", "acknowledges", "acknowledge")),
    "admit": (Stance.CONFIRMS, ("admitted", "admits")),
    "verify": (Stance.CONFIRMS, ("verified",)),
    "deny": (Stance.DENIES, ("denied", "denies", "deny")),
    "reject": (Stance.DENIES, ("rejected", "rejects")),
    "dismiss": (Stance.DENIES, ("dismissed", "dismisses")),
    "refute": (Stance.DENIES, ("refuted", "refutes")),
    "dispute": (Stance.DISPUTES, ("disputed", "disputes")),
    "question": (Stance.DISPUTES, ("questioned",)),
    "challenge": (Stance.DISPUTES, ("challenged",)),
    "contest": (Stance.DISPUTES, ("contested",)),
    "counter": (Stance.DISPUTES, ("countered", "counters")),
    # Cues beyond speech verbs (issue 16): "called on Congress to act", "called the plan “a disaster”".
    "call": (Stance.ASSERTS, ("called", "calls", "calling")),
    "describe": (Stance.ASSERTS, ("described", "describes", "describing")),
    "criticize": (Stance.DISPUTES, ("criticized", "criticised", "criticizes", "criticises", "criticizing")),
    "blame": (Stance.ASSERTS, ("blamed", "blames", "blaming")),
    "conclude": (Stance.ASSERTS, ("concluded", "concludes")),
    "contend": (Stance.ASSERTS, ("contended", "contends")),
    "fume": (Stance.ASSERTS, ("fumed",)),
    "quip": (Stance.ASSERTS, ("quipped",)),
    "assure": (Stance.ASSERTS, ("assured",)),
    # What someone thinks, wants or backs is attributed too ("Sanders believes the system is rigged").
    "hope": (Stance.ASSERTS, ("hopes", "hoped", "hope")),
    "want": (Stance.ASSERTS, ("wants", "wanted", "want")),
    "know": (Stance.ASSERTS, ("knows", "knew", "know")),
    "agree": (Stance.CONFIRMS, ("agreed", "agrees", "agree")),
    "defend": (Stance.ASSERTS, ("defended", "defends", "defending")),
    "praise": (Stance.ASSERTS, ("praised", "praises", "praising")),
    "point out": (Stance.ASSERTS, ("pointed out", "points out")),
    "caution": (Stance.ASSERTS, ("cautioned", "cautions")),
    # Backing and refusing are attributed too (issue 16, PolNeAR): "Christie endorsed Trump last week", "Most
    # in both states supported Sanders", "refused to endorse him", "terminated the deal, citing costs". Not
    # "declined to comment": PolNeAR counts it, but saying nothing is no claim to check.
    # Not "support", "backed" or "think" alone: "Republican support for free trade", "a group backed by", "I think".
    "endorse": (Stance.ASSERTS, ("endorsed", "endorses", "endorsing")),
    "support": (Stance.ASSERTS, ("supported", "supporting")),
    "oppose": (Stance.DISPUTES, ("opposed", "opposes", "oppose", "opposing")),
    "cite": (Stance.ASSERTS, ("cited", "cites", "citing")),
    "refuse": (Stance.ASSERTS, ("refused", "refuses")),
    # A sign or an email "reads" its words: only with a quote (“I am still Sanders,” it read).
    "read": (Stance.ASSERTS, ("read", "reads")),
    "shout": (Stance.ASSERTS, ("shouted", "yelled")),
    # What a politician proposes, hails or condemns ("Clinton proposed a tax on trades", "denounced the ad").
    "propose": (Stance.ASSERTS, ("proposed", "proposes", "proposing")),
    "denounce": (Stance.DISPUTES, ("denounced", "denounces", "denouncing")),
    "decry": (Stance.DISPUTES, ("decried", "decries", "decrying")),
    "slam": (Stance.DISPUTES, ("slammed", "slams", "slamming")),
    "blast": (Stance.DISPUTES, ("blasted", "blasts", "blasting")),
    "hail": (Stance.ASSERTS, ("hailed", "hails", "hailing")),
    "tout": (Stance.ASSERTS, ("touted", "touts", "touting")),
    "lament": (Stance.ASSERTS, ("lamented", "laments", "lamenting", "bemoaned", "bemoans")),
    "express": (Stance.ASSERTS, ("expressed", "expresses", "expressing")),
    "repeat": (Stance.ASSERTS, ("repeated", "repeats", "repeating")),
    "mention": (Stance.ASSERTS, ("mentioned", "mentions")),
    "refer to": (Stance.ASSERTS, ("referring to", "referred to")),
    "echo": (Stance.ASSERTS, ("echoed", "echoes", "echoing")),
    "seek": (Stance.ASSERTS, ("sought", "seeks")),
    "offer": (Stance.ASSERTS, ("offered", "offering")),
    "attack": (Stance.DISPUTES, ("attacked", "attacking")),
    "thank": (Stance.ASSERTS, ("thanked", "thanking")),
    "discuss": (Stance.ASSERTS, ("discussed", "discussing", "talked about", "talking about", "spoke about")),
    # Findings of studies, surveys and data ("The survey reveals that …"); only with "that" (THAT_ONLY).
    "reveal": (Stance.ASSERTS, ("revealed", "reveals")),
    "show": (Stance.ASSERTS, ("showed", "shows", "show")),
    "find": (Stance.ASSERTS, ("found", "finds")),
    # More cues from the dev half of PolNeAR's train split: joking, fearing, worrying. Not "condemned" or "mocked":
    # "She condemned the deal, saying …" says it in the participle (tests/ingest/test_attribution_dev_half_rules.py).
    "joke": (Stance.ASSERTS, ("joked",)),
    "fear": (Stance.ASSERTS, ("fear", "fears", "feared")),
    "worry": (Stance.ASSERTS, ("worried",)),
    # Only with a quote next to them (QUOTE_ONLY): "“…,” he surmised", "As Milbank puts it, “…”".
    "put it": (Stance.ASSERTS, ("put it", "puts it")),
    "exclaim": (Stance.ASSERTS, ("exclaimed", "surmised", "interjected", "retorted", "scoffed", "snapped", "mused")),
    "yell": (Stance.ASSERTS, ("screamed", "chanted", "chants", "cried", "whispered", "gushed", "sniped", "wondered")),
    "recount": (Stance.ASSERTS, ("recounted", "marveled", "marvelled", "reacted", "vented", "boomed")),
}
# Participles continue the previous verb's speaker ("…,” he said, adding that …).
PARTICIPLES: dict[str, str] = {
    "adding": "add",
    "saying": "say",
    "noting": "note",
    "insisting": "insist",
    "warning": "warn",
    "claiming": "claim",
    "arguing": "argue",
    "stressing": "stress",
    "explaining": "explain",
    "denying": "deny",
    "writing": "write",
    "asserting": "assert",
    "alleging": "allege",
    "boasting": "boast",
    "calling": "call",
    "describing": "describe",
    "criticizing": "criticize",
    "blaming": "blame",
    "urging": "urge",
    "accusing": "accuse",
    "telling": "tell",
    "suggesting": "suggest",
    "defending": "defend",
    "praising": "praise",
    "endorsing": "endorse",
    "supporting": "support",
    "opposing": "oppose",
    "citing": "cite",
    "stating": "state",
    "asking": "ask",
    "yelling": "yell",
    "shouting": "shout",
}
for _participle, _lemma in PARTICIPLES.items():
    if _participle not in _VERBS[_lemma][1]:
        _VERBS[_lemma] = (_VERBS[_lemma][0], (*_VERBS[_lemma][1], _participle))
STANCE_OF_FORM: dict[str, str] = {form: stance for stance, forms in _VERBS.values() for form in forms}
LEMMA_OF_FORM: dict[str, str] = {form: lemma for lemma, (_, forms) in _VERBS.items() for form in forms}
# Verbs whose object is the claim itself ("denied the reports", "claimed victory") rather than a clause.
OBJECT_VERBS = frozenset({"claim", "deny", "reject", "dismiss", "refute", "dispute", "confirm", "acknowledge"})
OBJECT_VERBS |= {"admit", "concede", "question", "challenge", "contest", "announce", "report", "verify"}
# "urged lawmakers to act", "accused Clinton of lying", "called on Congress to act", "described it as a hoax".
OBJECT_VERBS |= {"urge", "accuse", "call", "describe", "criticize", "blame", "want", "defend", "praise"}
OBJECT_VERBS |= {"endorse", "support", "oppose", "cite", "refuse", "propose", "denounce", "decry"}
OBJECT_VERBS |= {"slam", "blast", "hail", "tout", "lament", "express", "repeat", "mention"}
OBJECT_VERBS |= {"refer to", "echo", "seek", "offer", "attack", "thank", "discuss"}
# "promised to cut taxes", "vowed to fight on": a pledge is a claim the desk can later check.
OBJECT_VERBS |= {"promise", "pledge", "vow"}
# Verbs that introduce a quote but not a reported claim ("She asked that her name not be used").
QUOTE_ONLY = frozenset({"ask", "answer", "reply", "respond", "continue", "fume", "quip"})
QUOTE_ONLY |= {"read", "shout"}
QUOTE_ONLY |= {"put it", "exclaim", "yell", "recount"}
# Verbs that take a clause without "that" ("Officials stressed the vaccine was safe").
ZERO_THAT = frozenset({"say", "tell", "write", "add", "insist", "argue", "maintain", "warn", "claim", "believe"})
ZERO_THAT |= {"think", "stress", "note", "explain", "suggest", "predict", "estimate", "assert", "allege"}
ZERO_THAT |= {"emphasize", "reiterate", "indicate", "declare", "announce", "post", "tweet", "boast", "state"}
ZERO_THAT |= {"conclude", "contend", "assure", "hope", "know", "agree", "point out", "caution"}
ZERO_THAT |= {"joke", "fear"}
# Verbs that report a statement only with "that" ("found that …", never "found the body").
THAT_ONLY = frozenset({"reveal", "show", "find", "counter", "worry"})
# Verbs that take a clause without "that" only after an adverbial ("wrote on Telegram the town fell"):
# "wrote most of the code", "posted a video" are not statements.
ZERO_THAT_AFTER_ADVERBIAL = frozenset({"write", "post", "tweet"})
# Forms that are more often nouns or adjectives ("Russian claims of progress", "the reported attack").
NOUNISH_FORMS = frozenset({"claims", "claim", "reports", "states", "notes", "estimates", "promises", "answer"})
NOUNISH_FORMS |= {"shows", "finds", "counters", "cites", "read", "reads", "endorsed", "supported", "opposed", "cited"}
NOUNISH_FORMS |= {"reported", "alleged", "claimed", "estimated", "disputed", "verified", "confirmed", "stated"}
NOUNISH_FORMS |= {"fear", "fears", "promise"}


def alternation(words) -> str:
    """A regex alternation of `words` as a prefix tree ("a(?:dd(?:ed|s)|rgued)" for added, adds, argued).

    It matches the same strings as "added|adds|argued", but the engine tries a handful of branches at each
    position instead of every word (VERB_RE: a third of the time). Used between word boundaries, where at most
    one word can match at a position, the order of the branches does not matter.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here and longer ones go on
            body = f"(?:{body})?" if len(branches) == 1 else body + "?"
        return body

    return emit(tree)


VERB_ALTERNATION = alternation(STANCE_OF_FORM)
VERB_RE = re.compile(r"\b(?:" + VERB_ALTERNATION + r")\b")
# "has not verified", "could not independently confirm": the outlet reports without verifying. The lookahead
# (the first letters of the auxiliaries) lets the engine skip most positions before trying the branches.
UNVERIFIED_RE = re.compile(
    r"\b(?=[acdhiw])(?:ha(?:d|s|ve)|c(?:an|ould)|did|is|are|w(?:as|ere))(?:\s+not|n[’']t)\s+"
    r"(?:been\s+able\s+to\s+|able\s+to\s+)?"
    r"(?:yet\s+|independently\s+)*(?:verified|verify|confirmed|confirm)\b",
    re.I,
)
ACCORDING_RE = re.compile(r"\baccording to\b", re.I)

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
PERSON_PRONOUNS = frozenset({"he", "she", "i"})

# Lower-case words that can be part of a speaker phrase ("the state news agency Tass",
# "a spokesperson for the ministry", "Ukraine's Deputy Defense Minister").
SPEAKER_WORDS = frozenset(
    """
    the a an of for at and from in to on with state news agency agencies spokesman spokeswoman spokesperson
    spokespeople minister ministers ministry deputy defense defence foreign interior prime president vice chief head
    boss leader leaders senior top official officials commander commanders general lieutenant colonel major
    secretary press government governments military army police department office authorities authority
    analyst analysts expert experts researcher researchers scientist scientists economist economists lawyer
    lawyers attorney attorneys prosecutor prosecutors investigator investigators witness witnesses resident
    residents source sources people person former local regional federal national international independent
    statement report study survey poll letter group company firm service services council committee
    agency's ministry's group's company's administration governor mayor ambassador envoy director founder
    chairman chairwoman owner member members representative representatives adviser advisers advisor aide aides
    correspondent reporter editor host doctor doctors nurse officer officers soldier soldiers troops forces
    fighters militants rebels mercenary mercenaries observers monitors activists campaigners critics
    supporters opponents lawmakers legislators senator congressman congresswoman judge court
    intelligence security civilian civil defence emergency emergencies military's team union unions
    organisation organization association institute university professor teacher student students parent
    parents family families relative relatives friend friends neighbour neighbor neighbours neighbors user
    users operator operators manager managers executive executives staff worker workers employee employees
    official's senior-level high-ranking unnamed anonymous two three four several many some other others
    both all regime cabinet parliament kremlin pentagon mission embassy consulate headquarters command
    spokesmen chair analysts' experts' officials' chancellor premier force navy guard air coalition party
    opposition one another someone somebody
    """.split()
)
# Head nouns that can speak on their own (a lower-case phrase needs one of these at its end).
SPEAKER_HEADS = frozenset(
    """
    spokesman spokeswoman spokesperson spokespeople spokesmen minister ministers ministry president official
    officials commander commanders general secretary government governments military army police department office
    authorities authority analyst analysts expert experts researcher researchers scientist scientists economist
    economists lawyer lawyers attorney attorneys prosecutor prosecutors investigators witness witnesses residents
    resident source sources statement report study survey poll letter group company council committee agency
    administration governor mayor ambassador envoy director founder chairman chairwoman owner representative
    adviser advisor aide aides correspondent doctor doctors officer officers soldier soldiers troops forces
    fighters militants rebels observers monitors activists campaigners critics lawmakers legislators senator judge
    court union organisation organization association institute professor regime cabinet kremlin pentagon
    embassy command team people person leader leaders head chief boss member members staff chancellor premier
    force navy guard coalition alliance party opposition campaign firefighters rescuers medics paramedics
    volunteers organisers organizers participants voters locals farmers workers teachers nurses pilots crew
    airline bank banks manufacturer carrier operator regulator regulators watchdog ministry's department's
    authors author organisers planners negotiators diplomats diplomat spokespeople insiders owners parents
    mother father son daughter wife husband victim victims survivor survivors eyewitness eyewitnesses
    protesters demonstrators citizens mp mps commissioner inspector detective sheriff coroner trooper chairperson
    ceo cfo founder co-founder partner partners insurer insurers lender lenders retailer club coach manager
    commission bureau board panel tribunal senate house assembly ministers' agency's spokesperson's
    someone somebody reports manifesto advisers advisors strategists aides' donors delegates candidates
    associates allies backers rivals confidants operatives consultant consultants pollster pollsters
    percent respondents friends supporters senators insiders independents majority majorities plurality half
    third quarter most several others another republicans democrats conservatives liberals americans
    polls surveys studies figures results editorial newspaper order ruling memo email tweet video
    website filing complaint lawsuit indictment document documents release transcript card
    advertisement sign signs banner placard headline message records data statistics polling numbers tallies
    filings footage emails advocates groups opponents employee actor actress speaker woman man lawmaker counsel
    crowd audience
    """.split()
)
# "the Republican nominee said", "the host said", "says a narrator": political copy's usual second references.
# Heads only at a phrase's end: in "presidential candidate Herman Cain said" the name is the speaker.
TITLE_HEADS = frozenset(
    """candidate nominee hopeful contender front-runner frontrunner incumbent challenger billionaire businessman
    businesswoman mogul congressman congresswoman host narrator anchor moderator columnist commentator strategist
    activist voter supporter organizer""".split()
)
SPEAKER_HEADS |= TITLE_HEADS
# Every head can also stand inside a longer phrase ("the airline's chief executive").
SPEAKER_WORDS = SPEAKER_WORDS | SPEAKER_HEADS
# Heads that can be pointed back at with "the <head>" ("the ministry said").
ANAPHORIC_HEADS = frozenset(
    {"ministry", "agency", "department", "company", "group", "army", "military", "government", "office"}
    | {"spokesman", "spokeswoman", "spokesperson", "minister", "president", "official", "commander", "analyst"}
    | {"firm", "council", "committee", "administration", "governor", "mayor", "kremlin", "regime", "embassy"}
    | {"chancellor", "premier", "airline", "bank", "regulator", "party", "opposition", "police", "coalition"}
    | {"candidate", "nominee", "billionaire", "businessman", "mogul", "senator", "congressman", "congresswoman"}
)
GENERIC_HEADS = frozenset(
    {"analysts", "experts", "officials", "sources", "residents", "witnesses", "critics", "people", "observers"}
    | {"report", "study", "survey", "poll", "statement", "letter", "researchers", "scientists", "authorities"}
)
