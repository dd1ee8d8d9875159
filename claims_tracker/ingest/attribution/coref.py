"""Who "he", "they" or "the ministry" points back to: the last speaker of a fitting kind.

Deliberately small: news copy names a speaker, then refers to them by pronoun or by their role for
a few sentences. We only resolve to speakers seen before, never guess from names merely mentioned.
"""

from __future__ import annotations

from typing import Any

from .speakers import ORG_HEADS, SpeakerPhrase

_PERSON_PRONOUNS = frozenset({"he", "she", "i"})
_GROUP_PRONOUNS = frozenset({"they", "we"})


class Memory:
    def __init__(self) -> None:
        self.last_person: SpeakerPhrase | None = None
        self.last_org: SpeakerPhrase | None = None
        self.last_group: SpeakerPhrase | None = None
        self.recent: list[SpeakerPhrase] = []
        self.pending_intro: Any = None  # a speaker whose quote follows in the next paragraph ("She said:")
        self.pending_intro_para: Any = None

    def remember(self, phrase: SpeakerPhrase) -> None:
        if phrase.kind == "person":
            self.last_person = phrase
        elif phrase.kind == "org":
            self.last_org = phrase
        elif phrase.kind == "group":
            self.last_group = phrase
        self.recent = [p for p in self.recent if p.text != phrase.text][-9:] + [phrase]

    def mention(self, phrase: SpeakerPhrase) -> None:
        """A person named as a sentence's subject: a possible antecedent for "he" or "she"."""
        self.last_person = phrase

    def set_intro(self, found: Any, para: Any) -> None:
        self.pending_intro, self.pending_intro_para = found, para

    def resolve(self, phrase: SpeakerPhrase) -> SpeakerPhrase | None:
        """The named speaker a phrase stands for; the phrase itself when it names someone."""
        if phrase.kind == "pronoun":
            word = phrase.text.lower()
            if word in _PERSON_PRONOUNS:
                return self.last_person
            if word == "it":
                return self.last_org
            if word in _GROUP_PRONOUNS:
                return self.last_group or self.last_org or (self.recent[-1] if self.recent else None)
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
