"""Triage of one candidate: accept as a new claim, attach to an existing one, or reject."""

from __future__ import annotations

from django import forms

from claims_tracker.claims.models import AppearanceMode, Stance
from claims_tracker.ingest.attribution.lexicon import ANAPHORIC_HEADS, GENERIC_HEADS, PRONOUNS
from claims_tracker.ingest.models import Candidate

from .common import ClaimantRefField, ClaimRefField, stories_field, textarea

MODE_BY_VERB = {"wrote": AppearanceMode.TELEGRAM, "posted": AppearanceMode.SOCIAL, "boasted": AppearanceMode.SOCIAL}


def claimant_name_from(speaker_text: str) -> str:
    """The speaker as a new claimant's name, or "" when it names nobody in particular ("analysts",
    "officials", "he", "the ministry"): the editor then says who, rather than accept a junk claimant."""
    words = speaker_text.split()
    if not any(word[:1].isupper() for word in words):
        return ""
    bare = [word.strip(".,;:'’\"").lower() for word in words if word.lower() not in ("the", "a", "an")]
    if len(bare) == 1 and bare[0] in GENERIC_HEADS | PRONOUNS | ANAPHORIC_HEADS:
        return ""
    return speaker_text


class AcceptForm(forms.Form):
    text = forms.CharField(
        label="Claim, in neutral words",
        widget=textarea(3),
        help_text="What can be checked, without the claimant's framing (“Russian forces control Soledar”).",
    )
    claimant = ClaimantRefField(
        required=False, label="Claimant", help_text="Start typing a name; or name a new claimant below."
    )
    new_claimant_name = forms.CharField(
        required=False, max_length=200, label="New claimant's name", help_text="Only if the claimant is not listed."
    )
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.ASSERTS)
    quote = forms.CharField(required=False, widget=textarea(3), label="Quote, verbatim")
    verb = forms.CharField(required=False, max_length=50, label="Reporting verb")
    mode = forms.ChoiceField(choices=AppearanceMode.choices, initial=AppearanceMode.STATEMENT, label="How it was made")
    stories = stories_field()

    def clean(self):
        data = super().clean()
        if not data.get("claimant") and not (data.get("new_claimant_name") or "").strip():
            self.add_error("claimant", "Choose who made the claim, or name a new claimant below.")
        return data

    @classmethod
    def initial_for(cls, candidate: Candidate) -> dict:
        return {
            "text": candidate.statement or candidate.sentence,
            "claimant": candidate.claimant,
            "new_claimant_name": "" if candidate.claimant_id else claimant_name_from(candidate.speaker_text),
            "stance": candidate.stance,
            # Reported speech has no quotation marks: the report's own words are what it rests on.
            "quote": candidate.quote or candidate.statement,
            "verb": candidate.verb,
            "mode": MODE_BY_VERB.get(candidate.verb.lower(), AppearanceMode.STATEMENT),
        }


class AttachForm(forms.Form):
    # The suggestions are radio buttons (rendered by the template); the text field takes any claim.
    suggestion = ClaimRefField(required=False, widget=forms.HiddenInput)
    claim = ClaimRefField(
        required=False, label="…or another claim", help_text="Its number (e.g. 412) or the address of its page."
    )
    speaker = ClaimantRefField(required=False, label="Speaker", help_text="Leave empty to keep the matched speaker.")
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.ASSERTS)
    quote = forms.CharField(required=False, widget=textarea(2), label="Quote, verbatim")
    verb = forms.CharField(required=False, max_length=50, label="Reporting verb")

    def clean(self):
        data = super().clean()
        chosen = data.get("claim") or data.get("suggestion")
        if chosen is None and not self.has_error("claim") and not self.has_error("suggestion"):
            self.add_error("claim", "Pick one of the suggested claims, or give a claim's number.")
        data["chosen"] = chosen
        return data

    @classmethod
    def initial_for(cls, candidate: Candidate) -> dict:
        return {
            "speaker": candidate.claimant_id,
            "stance": candidate.stance,
            "quote": candidate.quote or candidate.statement,
            "verb": candidate.verb,
        }


class RejectForm(forms.Form):
    REASONS = [
        "Not a checkable claim",
        "Not attributed to anyone",
        "Reporter's own narration",
        "Duplicate of another candidate",
    ]
    reason = forms.CharField(
        max_length=500,
        label="Why is it not a claim?",
        widget=forms.TextInput(attrs={"list": "reject-reasons"}),
    )
