"""Who "he", "they" or "the ministry" points back to: the last speaker of a fitting kind.

Deliberately small: news copy names a speaker, then refers to them by pronoun or by their role for
a few sentences. We only resolve to speakers seen before, never guess from names merely mentioned.
"""

from __future__ import annotations

from typing import Any

from .lexicon import PERSON_PRONOUNS, SPEAKER_WORDS
from .speakers import ORG_HEADS, SpeakerPhrase

_GROUP_PRONOUNS = frozenset({"they", "we"})
MAX_PARAGRAPHS_BACK = 2
# Singular role nouns that name one person ("the former mayor", "the spokeswoman").
PERSON_ROLES = frozenset(
    """mayor minister president spokesman spokeswoman spokesperson governor senator ambassador envoy director
    chairman chairwoman chancellor premier secretary commander general judge prosecutor lawyer attorney
    official adviser advisor aide founder ceo chief editor host doctor professor billionaire""".split()
)


def _plural_words(text: str) -> bool:
    return any(w.endswith("s") and w in SPEAKER_WORDS for w in text.lower().split())


class Memory:
    def __init__(self) -> None:
        self.last_person: SpeakerPhrase | None = None
        self.last_org: SpeakerPhrase | None = None
        self.last_group: SpeakerPhrase | None = None
        self.recent: list[SpeakerPhrase] = []
        self.pending_intro: Any = None  # a speaker whose quote follows in the next paragraph ("She said:")
        self.pending_intro_para: Any = None
        self.name_words: set[str] = set()  # words of full names seen so far ("Hank Sheinkopf")
        self.paragraph = 0
        self.seen_in: dict[str, int] = {}  # "person"/"org"/"group" -> paragraph where the last one was seen

    def next_paragraph(self) -> None:
        self.paragraph += 1

    def _recent(self, kind: str, phrase: SpeakerPhrase | None) -> SpeakerPhrase | None:
        """A pronoun points back two paragraphs at most; further back it means someone else."""
        if phrase is None or self.paragraph - self.seen_in.get(kind, -99) > MAX_PARAGRAPHS_BACK:
            return None
        return phrase

    def _learn(self, phrase: SpeakerPhrase) -> None:
        words = [w for w in phrase.text.split() if w[:1].isupper()]
        if phrase.kind == "person" and len(words) >= 2:
            self.name_words.update(w.rstrip(".,").removesuffix("’s").removesuffix("'s") for w in words)

    def remember(self, phrase: SpeakerPhrase) -> None:
        self._learn(phrase)
        self.seen_in[phrase.kind] = self.paragraph
        if phrase.kind == "person" or (phrase.kind in {"anaphor", "group"} and phrase.head in PERSON_ROLES):
            # "the former mayor argued …  “…,” he said": a role noun is the "he" that follows.
            self.seen_in["person"] = self.paragraph
            self.last_person = phrase
        if phrase.kind == "org":
            self.last_org = phrase
        elif phrase.kind == "group":
            self.last_group = phrase
        self.recent = [p for p in self.recent if p.text != phrase.text][-9:] + [phrase]

    def mention(self, phrase: SpeakerPhrase, *, appositive: bool = False) -> None:
        """A person named as a sentence's subject: a possible antecedent for "he" or "she".

        A lone capitalised word opening a sentence ("Explaining why …", "German imperialist history …")
        is taken for a name only when it is part of a full name seen before ("Sheinkopf") or an
        appositive follows it ("Nadia, 29, fled …").
        """
        if " " not in phrase.text.strip() and phrase.text not in self.name_words and not appositive:
            return
        self._learn(phrase)
        self.last_person = phrase
        self.seen_in["person"] = self.paragraph

    def set_intro(self, found: Any, para: Any) -> None:
        self.pending_intro, self.pending_intro_para = found, para

    def resolve(self, phrase: SpeakerPhrase) -> SpeakerPhrase | None:
        """The named speaker a phrase stands for; the phrase itself when it names someone."""
        if phrase.kind == "pronoun":
            word = phrase.text.lower()
            if word in PERSON_PRONOUNS:
                return self._recent("person", self.last_person)
            if word == "it":
                return self._recent("org", self.last_org)
            if word in _GROUP_PRONOUNS:
                # Not a single named person ("they say" after Sheinkopf's quote means other people), but
                # a plural-looking name read as a person ("Doctors Without Borders") can be "they".
                last = self.recent[-1] if self.recent else None
                if last is not None and last.kind == "person" and not _plural_words(last.text):
                    last = None
                group = self._recent("group", self.last_group) or self._recent("org", self.last_org)
                return group or self._recent("person", last)
            return None
        if phrase.kind == "anaphor":
            head = phrase.head
            for earlier in reversed(self.recent):
                if head in earlier.text.lower():
                    return earlier
            if head in ORG_HEADS and self.last_org is not None:
                return self.last_org
            return phrase  # "the ministry" with nothing before it: kept as written, left for the editor
        return phrase
