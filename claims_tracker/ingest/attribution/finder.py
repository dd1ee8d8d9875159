"""Find who said what, sentence by sentence.

Each reporting verb (or "according to", or "has not verified") is a cue. Around a cue we look for
the speaker (left of the verb, or right of it when inverted: "…,” said X) and for what was said:
the quote just before, the quote or the clause after ("that …"), or, when the speaker comes last
(".., Moscow's Defense Ministry said on Friday."), the clause before. Quotes left without a cue go to
the speaker of the paragraph, or of the previous one when a quote paragraph follows its speaker's
introduction.

One module, over 300 lines: the cue loop and its speaker/statement rules read each other's state at
every step, and split apart they would be harder to follow, not easier (segment.py, lexicon.py and
speakers.py already hold what stands alone, and context.py the tests on the text around a cue).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from .context import (
    _PUNCT_GAP,
    _appositive_subject,
    _junk,
    _last_word,
    _looks_like_prose,
    _opening_phrase,
    _opening_subject,
    _quote_ending_before,
    _quote_only,
    _quote_starting_after,
    _rstrip,
    _says_nothing_after,
    _source_phrase,
    _starts_sentence,
    _strip_span,
    _subject_after_opener,
    _trim_end,
)
from .coref import Memory
from .lexicon import (
    ACCORDING_RE,
    LEMMA_OF_FORM,
    NOUNISH_FORMS,
    OBJECT_VERBS,
    PARTICIPLES,
    QUOTE_ONLY,
    STANCE_OF_FORM,
    THAT_ONLY,
    UNVERIFIED_RE,
    VERB_ALTERNATION,
    VERB_RE,
    ZERO_THAT,
    ZERO_THAT_AFTER_ADVERBIAL,
    Stance,
)
from .segment import Quote, QuoteIndex, Span, find_quotes, paragraphs, sentences
from .speakers import TIME_WORDS, WINDOW, SpeakerPhrase, parse_left, parse_right, sentence_subject, skip_adverbials
from .transcript import transcript_labels

# Quotes that go on with a statement already found: one candidate in pieces, not one candidate per piece.
# A quote alone in the next paragraph stays a candidate of its own: it is most often a new statement (the
# seed's Ramani: the tunnels, then "the next step would be to advance on Bakhmut"), triaged as a claim apart.
CONTINUATIONS = frozenset({"continued-quote", "same-paragraph"})
MAX_CUES = 20  # per sentence and kind of cue
MAX_STATEMENT = 1500  # characters; a longer "clause" is a run-on text, not a statement
_BE = frozenset({"is", "was", "were", "are", "be", "been", "being", "am", "'s", "’s", "get", "got"})
_NOUN_CONTEXT = frozenset(
    """the a an his her its their these those such any false new similar earlier unconfirmed unverified
    initial latest conflicting competing rival those of our your my whose similar several many numerous
    media press news""".split()
)
# Speakers whose "found that" is a finding ("A team at UMass Amherst found that …").
FINDING_WORDS = frozenset(
    """study studies report survey poll analysis review paper research researchers scientists investigation
    investigators inquiry audit team data authors experts probe polls surveys reports figures records documents
    numbers results polling statistics stats tallies projections filings footage emails""".split()
)
# "Ms. Price", "Mr Parish", or a full name after "by" ("chaired by Kate Dalmeny"): antecedents for "she".
_NAME_MENTION = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Prof)\.?(?:\s+[A-Z][\w’'-]+)+|(?<=\bby\s)[A-Z][a-z]+(?:\s+[A-Z][\w’'-]+){1,2})"
)
_COORDINATED_VERB = r"(?:,\s*|\s)(?:and|but)\s+(?:also\s+|later\s+|then\s+)?(?:" + VERB_ALTERNATION + r")\b"
_ACTION_VERBS = r"(?:called|demanded|vowed|pledged|appealed|threatened|refused|declined|promised|urged|asked)"
_CLAUSE_STOP = re.compile(
    r",[”\"’»]?\s*(?:\w+ing|according to|who|which|while|whereas)\b|\s(?:while|whereas)\s|;|\s[—–]\s"
    r"|,[”\"’»]?\s+(?:a|an)\s+[\w-]+\s+(?:that|which)\b|\s(?:and|but)\s+" + _ACTION_VERBS + r"\b|" + _COORDINATED_VERB,
    re.I,
)
_OBJECT_STOP = re.compile(
    r",[”\"’]?\s|;|\s(?:and|but|while|as|after|before|because)\s+(?:\w+ed|\w+s|said|told)\b|" + _COORDINATED_VERB, re.I
)
_NOT_A_CLAUSE = re.compile(
    r"^(?:to|by|in|of|for|about|with|so|nothing|goodbye|yes|no|sorry|hello|thanks|thank|it\s+all)\b", re.I
)
# "warned residents to stay indoors", not "told Politico he planned to stay neutral" (a subject, then its clause).
_OBJECT_INFINITIVE = re.compile(r"^(?!(?:he|she|they|we|i|it)\b)(?:[\w’'-]+\s+){1,3}to\s+\w+", re.I)
# "called for …", "called on …", "called it “…”", "called Mr. Trump's comments, his rival, “…”", "called him a liar":
# "called" alone is phoning or naming.
_CALL_OBJECT = re.compile(
    r"\s+(?:for|on|upon)\s|\s+(?:[\w’'.-]+,?\s+){1,8}(?:as\s+)?[“\"‘«]|\s+(?:[\w’'-]+\s+){1,3}a\s+\w+"
)
_MODIFIERS_BEFORE = re.compile(r",\s*(?:[a-z][\w’'-]*\s+){1,2}$")
_TITLE_GAP = re.compile(r"^[\s,—–-]*(?:[\w’'-]+\s+){0,4}$")
_UNRESOLVED_OK = frozenset({"he", "she"})  # "they say" with nobody named is people in general
_NEGATIONS = ("not", "n't", "n’t")  # one is in every UNVERIFIED_RE match: "has not verified", "couldn’t confirm"
# What polls and groups say, think or want ("Most voters in both states want a change"): _opening_phrase.
_GROUP_OPINION = frozenset({"say", "think", "believe", "want", "hope", "agree", "know", "support", "oppose"})
# An indirect question after "asked" and up to four words of object ("asked Sanders whether …").
_ASKED_WHAT = re.compile(r"\s*(?:[\w’'.-]+\s+){0,4}?((?:whether|if|why|how|what|who|when)\s)")
_VERB_FIRST = re.compile(r"(Said|Says|Added|Adds|Continued|Wrote|Writes|Explained|Declared|Asked)\s+(?=[A-Z])")
_NAME_OBJECT = re.compile(r"[A-Z][a-z][\w’'-]+")
_THAT_NOUN = re.compile(r"[a-z]+(?=\s*(?:[.,;:!?]|$|\s(?:of|on|in|at|from|by|for|about|as|and|but)\b))")
_PROGRESSIVE = re.compile(
    r"(?:\b(?:is|are|was|were|am|been|be)|[’'](?:s|re))\s+(?:(?:also|now|still|again|already|\w+ly)\s+)*$"
)
_PARTICIPLE_LEAD = re.compile(
    r"(?:,[”\"’]?|\band|\b(?:by|after|before|while|when|in|for)(?:\s+(?:publicly|privately|repeatedly|again|\w+ly))?)\s*$"
)
_WHAT_SPEAKER = re.compile(r"\bwhat\s+([^.;:!?“”\"]{1,120}?)\s+$")
_CALLED_QUOTE = re.compile(r"\s*(?:(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){0,2})?[“\"]")
_HEADLINE_SAYS = re.compile(
    r"((?:[A-Z][\w’'.-]*\s+){1,5})(Says|Said|Tells|Warns|Urges|Claims|Admits|Denies|Insists)\s+([A-Z“‘\"'].*)"
)
_NOTHING_SAID = re.compile(r"[\s.!?]*$|,?\s*(?:as|while|when|after|before|because|during)\s|,\s*[a-z]+ing\b")
_WITH_SUBJECT = re.compile(r"\bwith\s+((?:[\w’'.-]+\s+){0,5}?[\w’'.-]+)\s+(?:\w+ly\s+)?$")
_QUESTION_END = re.compile(r"\?[\"”’»]?\s*$")


@dataclass
class Attribution:
    speaker_text: str
    claimant_id: int | None
    statement: str
    quote: str
    verb: str
    stance: str
    confidence: float
    start: int
    end: int
    sentence: str
    # Where the speaker is named in the text (the antecedent when `mention` is a pronoun).
    speaker_start: int | None = None
    speaker_end: int | None = None
    mention: str = ""  # "he", "the ministry": the words that pointed back to the speaker
    pattern: str = ""  # which rule found it, for review and evaluation
    candidates: tuple = field(default_factory=tuple)  # matcher candidates when claimant_id is None
    # (start, end) of each piece: “A,” she said, “B.” is one statement in two pieces, start..end spans both.
    pieces: tuple[tuple[int, int], ...] = ()
    direct: bool = False  # a quotation (in quote marks), not reported speech


@dataclass
class _Found:
    speaker: SpeakerPhrase
    mention: str
    verb: str
    stance: str
    start: int
    end: int
    quote: bool
    confidence: float
    pattern: str
    sentence: Span
    parent: _Found | None = None  # the candidate this quote continues (same speaker, same statement)


def _skip(text: str, pos: int, pattern: str) -> int:
    """The offset after `pattern` matched at `pos` (or `pos`)."""
    match = re.compile(pattern).match(text, pos)
    return match.end() if match else pos


def _names_only(text: str, start: int, end: int) -> bool:
    """text[start:end] is a speaker phrase and nothing more ("the Defence Ministry", "unnamed officials")."""
    phrase = parse_right(text, start, end)
    return phrase is not None and not text[phrase.end : end].strip(' .,;:!?”"’')


def _may_hold(lowered: str | None, words: tuple[str, ...], sent: Span) -> bool:
    """False when the sentence holds none of `words` in any case, so a case-insensitive regex needing one of them
    need not scan it. The words have no case variants beyond what lower() gives (a regex matches "ı" for "i", so
    none has an "i"); `lowered` is None when its offsets would not match the text's (then every sentence may)."""
    if lowered is None:
        return True
    for word in words:
        if lowered.find(word, sent.start, sent.end) >= 0:
            return True
    return False


class Finder:
    def __init__(self, text: str) -> None:
        self.text = text
        # For _may_hold. Only when lower() kept every character one character (all but a few, such as "İ") do its
        # offsets match the text's.
        lowered = text.lower()
        self.lowered = lowered if len(lowered) == len(text) else None
        self.memory = Memory()
        self.found: list[_Found] = []
        self.quotes = QuoteIndex([])  # the current paragraph's
        # The candidate whose speaker a participle or a second verb inherits ("He praised X and said …"): its
        # mention ("he") goes with the speaker, so the second statement is named as the first one was.
        self.inherited: _Found | None = None

    def run(self) -> list[_Found]:
        previous_speaker: _Found | None = None
        pending_open: list[Quote] = []  # quote paragraphs waiting for a speaker named later
        paras = paragraphs(self.text)
        labels = transcript_labels(self.text, paras)
        for para in paras:
            self.memory.next_paragraph()
            if para.start in labels:
                self._transcript(para, labels[para.start])
            else:
                self._headline_says(para)
            quote_list = find_quotes(self.text, para)
            quotes = self.quotes = QuoteIndex(quote_list)
            if not quote_list and not _looks_like_prose(self.text, para):
                continue  # headlines, captions, datelines: no attribution
            before = len(self.found)
            for sent in sentences(self.text, para, quote_list):
                self._sentence(para, sent, quotes)
            mine = self.found[before:]
            if pending_open and mine and mine[0].quote:
                for quote in pending_open:
                    self._add_quote(quote, mine[0], 0.6, "open-quote-paragraph", para)
            pending_open = []
            used = {(f.start, f.end) for f in mine}
            covered = sorted((f.start, f.end) for f in mine)
            starts = [a for a, _ in covered]
            reach = list(itertools.accumulate((b for _, b in covered), max))
            for quote in quote_list:
                if (quote.start, _trim_end(self.text, quote.start, quote.end)) in used:
                    continue
                index = bisect.bisect_right(starts, quote.start) - 1
                if index >= 0 and quote.end <= reach[index] + 1:
                    continue  # part of a reported clause
                if not _starts_sentence(self.text, para, quote) or len(self.text[quote.start : quote.end].split()) < 3:
                    continue  # scare quotes and titles are not statements
                intro = self.memory.pending_intro
                earlier = (
                    [self.found[before + i] for i in range(len(mine)) if mine[i].start < quote.start][-1:]
                    if len(mine) < 50
                    else [f for f in mine[-1:] if f.start < quote.start]
                )
                if intro is not None:
                    self._add_quote(quote, intro, 0.85, "intro-colon", para)
                elif earlier:
                    self._add_quote(quote, earlier[-1], 0.75, "same-paragraph", para)
                elif previous_speaker is not None and _quote_only(self.text, para, quote):
                    self._add_quote(quote, previous_speaker, 0.6, "previous-paragraph", para)
                elif quote.close_at is None:
                    pending_open.append(quote)
            if self.memory.pending_intro is not None and self.memory.pending_intro_para is not para:
                self.memory.pending_intro = None
            # Only the paragraph right before can lend its speaker to a quote paragraph.
            previous_speaker = self.found[-1] if len(self.found) > before else None
        return self.found

    # -- one sentence ------------------------------------------------------------------------------
    def _sentence(self, para: Span, sent: Span, quotes: QuoteIndex) -> None:
        text = self.text
        question = bool(_QUESTION_END.search(text[sent.start : sent.end])) and not quotes.contains(sent.end - 1)
        unverified = []
        if _may_hold(self.lowered, _NEGATIONS, sent):
            matches = UNVERIFIED_RE.finditer(text, sent.start, sent.end)
            unverified = [(m.start(), m.end(), "unverified") for m in matches]
        cues = unverified[:MAX_CUES]
        if _may_hold(self.lowered, ("accord",), sent):
            for match in ACCORDING_RE.finditer(text, sent.start, sent.end):
                if len(cues) >= 2 * MAX_CUES:
                    break
                cues.append((match.start(), match.end(), "according"))
        for match in VERB_RE.finditer(text, sent.start, sent.end):
            if len(cues) >= 3 * MAX_CUES:
                break  # a real sentence has a handful of reporting verbs; this is not a real sentence
            if not any(s <= match.start() < e for s, e, _ in unverified[:MAX_CUES]):
                cues.append((match.start(), match.end(), "verb"))
        cues.sort()
        in_quote = quotes.contains(sent.start) or quotes.starting_at(sent.start) is not None
        subject = None if in_quote else sentence_subject(text, sent.start, sent.end)
        if subject is not None and subject.kind == "person":
            # "Kaja Kallas arrived in Kyiv … She said …"
            self.memory.mention(subject, appositive=text[subject.end : subject.end + 1] == ",")
        first_cue = cues[0][0] if cues else sent.end
        for match in _NAME_MENTION.finditer(text, sent.start, first_cue):
            if not quotes.contains(match.start()) and (subject is None or match.start() >= subject.end):
                self.memory.mention(SpeakerPhrase(match.start(), match.end(), match.group(), "person"))
        last_speaker: _Found | None = None
        opening = _VERB_FIRST.match(text, sent.start, sent.end)
        if opening is not None:
            # "Said Comey, “The thought …”", "Continued Stone: “So …”": the verb first, then who, then the quote.
            speaker = parse_right(text, opening.end(), sent.end)
            quote = quotes.starting_at(_skip(text, speaker.end, r"\s*[,:]\s*")) if speaker is not None else None
            if quote is not None:
                verb = opening.group(1).lower()
                self._add(speaker, verb, STANCE_OF_FORM[verb], quote, None, 0.85, "verb-first-quote", sent)
        for start, end, kind in cues:
            if quotes.contains(start):
                continue  # a verb inside a quote is the quoted person's, not ours
            if last_speaker is not None and last_speaker.start <= start < last_speaker.end and not last_speaker.quote:
                continue  # "denies he ever said any of that": a verb inside a reported clause is part of it
            self.inherited = None
            if kind == "according":
                found = self._according(para, sent, quotes, start, end, last_speaker)
            else:
                found = self._verb(para, sent, quotes, start, end, kind, last_speaker, question)
            self.inherited = None
            if found is not None:
                last_speaker = found

    def _verb(
        self,
        para: Span,
        sent: Span,
        quotes: QuoteIndex,
        vs: int,
        ve: int,
        kind: str,
        sentence_speaker: _Found | None,
        question: bool,
    ) -> _Found | None:
        text = self.text
        form = text[vs:ve].lower()
        near = max(sent.start, vs - WINDOW)  # look-behind window: keeps a run-on "sentence" linear
        if kind == "unverified":
            verb, stance, lemma = " ".join(form.split()), Stance.REPORTS, "verify"
        else:
            lemma = LEMMA_OF_FORM.get(form) or PARTICIPLES.get(form, "")
            verb, stance = form, STANCE_OF_FORM[form]
        prev_word = _last_word(text, sent.start, vs)
        # "Sanders is touting his wins", "He's suggesting that …": a progressive, not a passive or a participle.
        progressive = _PROGRESSIVE.search(text, near, vs) if form.endswith("ing") else None
        left_end = progressive.start() if progressive else vs  # where the subject ends
        next_text = text[ve : min(sent.end, ve + 40)]
        if kind == "verb" and text.startswith(("As ", "as "), sent.start) and vs - sent.start <= 80:
            # "As POLITICO revealed, the RNC agreed …", "As reported by Western Journalism, there are …"
            found = self._as_someone_said(sent, vs, ve, verb, stance)
            if found is not None:
                return found
        if kind == "verb":
            if (prev_word in _BE and not progressive) or re.match(r"\s+to\s+(?:be|have)\b", next_text):
                return None  # "is said to be", passive voice: nobody is speaking
            # "the news reported", not "Fox News reported" (a capitalised word is a name's).
            noun_context = prev_word in _NOUN_CONTEXT and not re.search(r"[A-Z][\w’']*\s+$", text[near:vs])
            if form in NOUNISH_FORMS and (noun_context or re.match(r"\s+(?:of|by|about|from)\b", next_text)):
                return None  # "Russian claims of progress", "the reported attack"
        # "…, saying", "… and saying", "… by saying", "after telling": a participle continues the subject's clause.
        # "with Trump reportedly yelling: “…”", "with one of her ads asking, “…”": the phrase after "with" speaks.
        with_subject = _WITH_SUBJECT.search(text, near, vs) if form in PARTICIPLES and not progressive else None
        if with_subject is not None:
            progressive = with_subject  # read the speaker left of the participle, as for "is saying"
            left_end = with_subject.end(1)
        if form in PARTICIPLES and not progressive and not _PARTICIPLE_LEAD.search(text, near, vs):
            return None
        if lemma == "call" and kind == "verb":
            # "in what Newt Gingrich called “the loudest election”", "what Sroka called a “let it bloom” approach".
            found = self._what_called(sent, quotes, near, vs, ve, verb, stance)
            if found is not None:
                return found
        # 1. Right after a quote: "«…» said X", "“…,” he said", "“…,” X told reporters".
        before_quote = _quote_ending_before(quotes, vs, text)
        if before_quote is not None and kind == "verb" and form not in PARTICIPLES:
            gap = text[before_quote.outer_end : vs]
            speaker = None
            if _PUNCT_GAP.match(gap):
                speaker = parse_right(text, ve, para.end)
            elif before_quote.outer_end > sent.start or (
                # The quote ended the sentence before: it is this speaker's only when it stood alone there and
                # nothing follows the verb (“…” The IAEA board said it would meet: the board said something else).
                _says_nothing_after(text, quotes, ve, sent)
                and _starts_sentence(text, para, before_quote)
                # Nothing said after the verb: the sentence ends, or a subordinate clause says when ("… said as he …"),
                # or a participle goes on (", quoting Comey": its own statement, if any, is found apart).
                and _NOTHING_SAID.match(text, skip_adverbials(text, ve, sent.end, lemma=lemma), sent.end)
            ):
                # “…” She also said her “…”: that quote ended the sentence before; “…?” X asked. is still X's.
                left = parse_left(text, before_quote.outer_end, vs)
                # “…,” former presidential candidate Herman Cain said: a few title words may precede the name.
                title_gap = text[before_quote.outer_end : left.start] if left is not None else ""
                # Not when a verb of its own had the quote: “…,” said Weaver, who said … (the second is a new claim).
                if left is not None and _TITLE_GAP.match(title_gap) and not VERB_RE.search(title_gap):
                    speaker = left
            if speaker is not None:
                found = self._add(speaker, verb, stance, before_quote, None, 0.9, "quote-then-speaker", sent)
                if found is not None:
                    self._follow_on_quote(found, quotes, speaker.end if speaker.start > vs else ve, sent, lemma)
                return found
        # 2. The speaker before the verb, or inherited by a participle / second verb ("and boasted").
        speaker: SpeakerPhrase | None = None
        coordinated = re.search(r"\b(?:and|but)\s+(?:also\s+|later\s+|then\s+)?$", text[near:vs])
        if (form in PARTICIPLES and not progressive) or coordinated:
            if sentence_speaker is not None:
                speaker = sentence_speaker.speaker
                self.inherited = sentence_speaker
            else:
                # "Nasser Kanaani called the sanctions illegal and said …", "Bloomberg has attempted to
                # apologize, saying that …": the sentence's subject speaks.
                speaker = self._named_subject(text, sent.start, vs)
            if speaker is None:
                # "He condemned the deal, saying …", "Clinton praised Garland and said …" (a lone name too: the
                # verb after it makes it the subject).
                speaker = _opening_subject(text, sent.start, vs)
            if speaker is None:
                # "In a speech on Tuesday, Mr. Trump struck a measured tone, saying …": the subject after an opener.
                speaker = _subject_after_opener(text, sent, vs)
            if speaker is None and form in PARTICIPLES:
                return None
        inverted = False
        if speaker is None and re.search(r",\s*$", text[near:vs]):
            speaker = _appositive_subject(text, sent, vs)
        if speaker is None and re.search(r",\s*$", text[near:vs]):
            # "…, reported Euro News.": a speaker after the verb that ends the sentence beats a guess on the left.
            right = parse_right(text, ve, sent.end)
            if right is not None and re.match(
                r"[\s.!?”\"’»]*$", text[skip_adverbials(text, right.end, sent.end) : sent.end]
            ):
                speaker, inverted = right, True
        if speaker is None:
            speaker = parse_left(text, sent.start, left_end)
        if speaker is None and lemma in _GROUP_OPINION:
            speaker = _opening_phrase(text, sent, vs)
        if speaker is None and re.search(r",\s*$", text[near:vs]):
            speaker = parse_right(text, ve, sent.end)  # "…, said the ministry."
            inverted = speaker is not None
        if speaker is None or (lemma == "find" and not FINDING_WORDS & set(speaker.text.lower().split())):
            return None  # "found that" reports findings of studies, not what anyone found lying around
        after = skip_adverbials(text, ve if not inverted else speaker.end, sent.end, lemma=lemma)
        rest = text[after : min(sent.end, after + WINDOW)]
        # 3. A quote after the verb: "wrote on Telegram that «…»", "said: “…”", "told X: '…'".
        quote_after = _quote_starting_after(quotes, after, text, sent.end)
        if quote_after is not None:
            found = self._add(speaker, verb, stance, quote_after, None, 0.9, "speaker-then-quote", sent)
            if found is not None:
                self._follow_on_quote(found, quotes, quote_after.outer_end, sent, lemma)
            return found
        # "She said:", "He told his audience, to rowdy applause:" ending the paragraph: the quote follows below.
        if re.match(r"[^.!?“”\"]{0,60}:\s*$", rest) and sent.end == para.end:
            self.memory.set_intro(self._resolved(speaker, verb, stance, sent), para)
            return None
        asked = _ASKED_WHAT.match(rest) if lemma == "ask" and not question else None
        if asked is not None:
            # "asked whether the vote would be delayed", "asked Sanders whether his age was fair game": an indirect
            # question is what was said.
            start = after + asked.start(1)
            stop = _CLAUSE_STOP.search(text, start, min(sent.end, start + MAX_STATEMENT))
            end = stop.start() if stop else sent.end
            return self._clause(speaker, verb, stance, start, end, 0.6, "asked-whether", sent, min_words=3)
        if question or lemma in QUOTE_ONLY:
            return None
        # "Polls show Clinton leading", "The survey found most voters undecided": a finding without "that".
        finding = lemma in {"show", "find"} and bool(FINDING_WORDS & set(speaker.text.lower().split()))
        # After an inverted speaker ("…, said David Wasserman, an analyst.") the aside is the speaker's title.
        parenthetical = (
            None if inverted else re.match(r"\s*,\s+(?!(?:and|but|or|according|citing)\b|\w+ing\b)[a-z]", rest)
        )
        clause_start = None
        pattern, confidence = "", 0.0
        # "pledged that, if elected, he would …", "said Sunday in Madison, Wisconsin, that …"
        that = re.match(r"(?:\s*,\s*[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}(?=\s*,))?\s*,?\s*that(?:\s*,)?\s+", rest)
        if that and lemma in OBJECT_VERBS and _THAT_NOUN.match(rest, that.end()):
            that = None  # "rejected that idea", "denied that report on Monday": "that" is the object's determiner
        head_start = speaker.start if not inverted else vs
        if not inverted and kind == "verb":
            # "<clause>, political experts said": a modifier or two between the comma and the speaker's head.
            modifiers = _MODIFIERS_BEFORE.search(text, max(sent.start, head_start - 40), head_start)
            if modifiers is not None:
                head_start = modifiers.start() + 1
        if that:
            clause_start, pattern, confidence = after + that.end(), "speaker-verb-that", 0.8
        elif (
            re.match(r"\s*(?:[.!?;]|,|$)", rest)  # "…, political analysts say; in 2012, …"
            and re.search(r",\s*$", text[max(sent.start, head_start - WINDOW) : head_start])
            and head_start > sent.start
        ):
            # 4. Speaker last: "<clause>, Moscow's Defense Ministry said on Friday."
            statement_end = _rstrip(text, sent.start, head_start)
            if parenthetical:
                # "…, which, critics say, does not include …": the statement runs on after the aside.
                lead = re.search(r"\b(?:which|that|who|and|but)\s*,?\s*$", text[sent.start : statement_end])
                span = (after + parenthetical.end() - 1 if lead else sent.start, sent.end)
                return self._clause(speaker, verb, stance, *span, 0.7, "parenthetical", sent, min_words=3)
            prior = _quote_ending_before(quotes, head_start, text)
            if prior is not None and prior.open_at <= sent.start + 1:
                return self._add(speaker, verb, stance, prior, None, 0.85, "quote-then-speaker", sent)
            return self._add(
                speaker, verb, stance, None, (sent.start, statement_end), 0.75, "clause-then-speaker", sent
            )
        elif lemma in THAT_ONLY and not finding:
            return None
        elif lemma == "call" and not _CALL_OBJECT.match(text, ve, min(sent.end, ve + 80)):
            return None  # "called Clinton on Tuesday" (phoned), "a group called X"
        elif lemma in OBJECT_VERBS or kind == "unverified":
            stop = _OBJECT_STOP.search(text, after, min(sent.end, after + MAX_STATEMENT))
            if lemma == "cite" and _names_only(text, after, stop.start() if stop else sent.end):
                return None  # "TASS reported, citing the Defence Ministry": a relay's source, not a statement
            clause_start, pattern, confidence = after, "verb-object", 0.6 if kind == "verb" else 0.8
            end = stop.start() if stop else sent.end
            # "praised Putin", "endorsed Sanders": a name alone is an object too; "confirmed Tuesday" is not.
            named = _NAME_OBJECT.fullmatch(text[clause_start:end].rstrip(" .!?"))
            words = 1 if named and named.group().lower() not in TIME_WORDS else 2
            return self._clause(speaker, verb, stance, clause_start, end, confidence, pattern, sent, min_words=words)
        elif (lemma in ZERO_THAT or finding) and not (
            lemma in ZERO_THAT_AFTER_ADVERBIAL and not text[ve:after].strip()
        ):
            clause = rest.strip()
            # "warned residents to stay indoors" is an instruction, not a reported claim.
            instruction = lemma in {"warn", "tell"} and _OBJECT_INFINITIVE.match(clause)
            if not _NOT_A_CLAUSE.match(clause) and clause[:1].isalnum() and not instruction:
                clause_start, pattern, confidence = after, "speaker-verb-clause", 0.65
        if clause_start is None:
            return None
        stop = _CLAUSE_STOP.search(text, clause_start, min(sent.end, clause_start + MAX_STATEMENT))
        end = stop.start() if stop else sent.end
        return self._clause(speaker, verb, stance, clause_start, end, confidence, pattern, sent, min_words=3)

    def _according(
        self, para: Span, sent: Span, quotes: QuoteIndex, start: int, end: int, sentence_speaker: _Found | None
    ) -> _Found | None:
        text = self.text
        if sentence_speaker is not None:
            # "“…,” Sanders said, according to CNN": CNN relays what Sanders said, a second candidate (the desk
            # checks both who said it and who reported it). Only at the sentence's end, after the statement.
            speaker = _source_phrase(text, end, sent.end)
            if speaker is None or sentence_speaker.end > start or not re.search(r",\s*$", text[sent.start : start]):
                return None
            relayed = (sent.start, _rstrip(text, sent.start, start))
            return self._clause(
                speaker, "according to", Stance.REPORTS, *relayed, 0.7, "according-relay", sent, min_words=4
            )
        comma = text.find(",", end, sent.end)
        ceiling = comma if comma != -1 else sent.end
        speaker = parse_right(text, end, ceiling) or _source_phrase(text, end, ceiling)
        if speaker is None:
            return None
        if _rstrip(text, sent.start, start) == sent.start:  # "According to X, <clause>."
            if comma == -1:
                return None
            return self._clause(
                speaker, "according to", Stance.ASSERTS, comma + 1, sent.end, 0.75, "according-first", sent, min_words=3
            )
        prior = _quote_ending_before(quotes, start, text)
        if prior is not None and prior.open_at <= sent.start + 1:
            return self._add(speaker, "according to", Stance.ASSERTS, prior, None, 0.8, "quote-according", sent)
        if re.match(r"\s*,\s+[a-z]", text[speaker.end : sent.end]) and re.search(r",\s*$", text[sent.start : start]):
            # "This, according to Della, does nothing to …": the aside sits inside the statement.
            return self._clause(
                speaker, "according to", Stance.ASSERTS, sent.start, sent.end, 0.7, "according-aside", sent, min_words=4
            )
        return self._clause(
            speaker, "according to", Stance.ASSERTS, sent.start, start, 0.7, "according-last", sent, min_words=3
        )

    def _follow_on_quote(self, found: _Found, quotes: QuoteIndex, pos: int, sent: Span, lemma: str) -> None:
        """“A,” he said, “B.”: the second quote has the same speaker."""
        quote = quotes.first_from(pos)
        if quote is not None and re.match(r"^[\s,.:;—–-]*$", self.text[pos : min(quote.open_at, pos + 20)]):
            if quote.open_at - pos <= 20:
                self._add_quote(quote, found, 0.85, "continued-quote", sent)

    def _as_someone_said(self, sent: Span, vs: int, ve: int, verb, stance) -> _Found | None:
        text = self.text
        comma = text.find(",", ve, sent.end)
        if comma == -1:
            return None
        passive = re.match(r"\s+by\s+", text[ve:comma])
        if passive:
            if not re.fullmatch(r"[Aa]s\s+(?:first\s+|previously\s+)?", text[sent.start : vs]):
                return None
            speaker = parse_right(text, ve + passive.end(), comma)
        else:
            if text[skip_adverbials(text, ve, comma) : comma].strip():
                return None  # "As Trump said in March, …" is an aside; "As X said the plan would fail, …" is not
            speaker = parse_left(text, sent.start + 3, vs)
            if speaker is None or not re.fullmatch(r"[Aa]s\s+", text[sent.start : speaker.start]):
                return None
        if speaker is None:
            return None
        quote = _quote_starting_after(self.quotes, comma + 1, text, sent.end)  # "As Milbank puts it, “…”"
        if quote is not None:
            return self._add(speaker, verb, stance, quote, None, 0.9, "speaker-then-quote", sent)
        return self._clause(speaker, verb, stance, comma + 1, sent.end, 0.8, "as-someone-said", sent, min_words=3)

    def _what_called(self, sent: Span, quotes: QuoteIndex, near: int, vs: int, ve: int, verb, stance) -> _Found | None:
        text = self.text
        what = _WHAT_SPEAKER.search(text, near, vs)
        after = _CALLED_QUOTE.match(text, ve, min(sent.end, ve + 40))
        if what is None or after is None:
            return None
        quote = quotes.starting_at(after.end() - 1)
        speaker = parse_left(text, what.start(1), vs)
        if quote is None or speaker is None:
            return None
        return self._add(speaker, verb, stance, quote, None, 0.8, "what-called", sent)  # 8/9 right on the dev half

    def _headline_says(self, para: Span) -> None:
        """ "Bellwether County Says Trump Should Win GOP Nomination.": a title-case headline whose verb says it."""
        text = self.text
        words = text[para.start : para.end].split()
        if not 4 <= len(words) <= 20 or sum(w[:1].isupper() or not w[:1].isalpha() for w in words) < 0.8 * len(words):
            return
        match = _HEADLINE_SAYS.match(text, para.start, para.end)
        if match is None:
            return
        speaker = parse_left(text, para.start, match.start(2))
        if speaker is None or speaker.start != para.start or speaker.kind not in {"person", "org"}:
            return
        verb = match.group(2).lower()
        start, end = _strip_span(text, match.start(3), para.end)
        if len(text[start:end].split()) >= 3:
            self._add(speaker, verb, STANCE_OF_FORM[verb], None, (start, end), 0.7, "headline", para)

    def _named_subject(self, text: str, start: int, end: int) -> SpeakerPhrase | None:
        subject = sentence_subject(text, start, end)
        if subject is None or (" " not in subject.text and subject.text not in self.memory.name_words):
            return None  # "Explaining why …": a lone capitalised word is a name only once seen in a full name
        return subject

    def _transcript(self, para: Span, label: tuple[int, int, str]) -> None:
        """ "Rick: It was a two-phase approach.": an interview answer under its speaker's label (or a headline's
        "Graham: Party's Chances Are Slim.", rule "headline")."""
        start, end, pattern = label
        speaker = SpeakerPhrase(start, end, self.text[start:end], "person")
        colon = self.text.index(":", end)
        body_start, body_end = _strip_span(self.text, colon + 1, para.end)
        if 0 < body_end - body_start <= MAX_STATEMENT:
            self._add(speaker, "said", Stance.ASSERTS, None, (body_start, body_end), 0.7, pattern, para)

    # -- results -------------------------------------------------------------------------------------
    def _clause(self, speaker, verb, stance, start, end, confidence, pattern, sent, *, min_words: int) -> _Found | None:
        start, end = _strip_span(self.text, start, end)
        if end - start > MAX_STATEMENT or len(self.text[start:end].split()) < min_words:
            return None
        return self._add(speaker, verb, stance, None, (start, end), confidence, pattern, sent)

    def _add(self, speaker, verb, stance, quote, span, confidence, pattern, sent) -> _Found | None:
        if quote is not None:
            start, end = quote.start, _trim_end(self.text, quote.start, quote.end)
        else:
            start, end = span
        if (
            end <= start
            or _junk(self.text, speaker, start, end, quote is not None)
            or self.quotes.contains(speaker.start)
        ):
            return None  # a name inside a quote is the quoted words' subject, not who said them
        resolved = self.memory.resolve(speaker)
        if resolved is None and speaker.text.lower() in _UNRESOLVED_OK:
            # "“…,” she said." with her name too far back: still her statement; the editor names her.
            found = _Found(speaker, "", verb, stance, start, end, quote is not None, confidence * 0.6, pattern, sent)
            self.found.append(found)
            return found
        if resolved is None:
            return None  # "it", "I", "we" with nobody to point back to
        mention = speaker.text if resolved is not speaker else ""
        if not mention and self.inherited is not None and resolved is self.inherited.speaker:
            mention = self.inherited.mention
        if mention:
            confidence *= 0.85
        if resolved.kind == "group":
            confidence *= 0.85
        if resolved.kind == "anaphor":
            confidence *= 0.6
        found = _Found(resolved, mention, verb, stance, start, end, quote is not None, confidence, pattern, sent)
        self.found.append(found)
        self.memory.remember(resolved)
        return found

    def _add_quote(self, quote: Quote, source: _Found, confidence: float, pattern: str, sent: Span) -> None:
        if source.pattern == "what-called":
            return  # a phrase someone called something lends its speaker to no later quote
        start, end = quote.start, _trim_end(self.text, quote.start, quote.end)
        if end > start:
            mention = source.mention if pattern == "intro-colon" else ""  # "She told her audience:" names her "she"
            found = _Found(
                source.speaker, mention, source.verb, source.stance, start, end, True, confidence, pattern, sent
            )
            if pattern in CONTINUATIONS and source.quote:
                found.parent = source.parent or source
            self.found.append(found)

    def _resolved(self, speaker, verb, stance, sent) -> _Found | None:
        resolved = self.memory.resolve(speaker)
        if resolved is None:
            return None
        mention = speaker.text if resolved is not speaker else ""
        return _Found(resolved, mention, verb, stance, 0, 0, True, 0.85, "intro", sent)
