"""Claim forms: create/edit, relations, appearances, evidence, change of state, merge."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from claims_tracker.claims.models import (
    AppearanceMode,
    Article,
    Claim,
    EvidenceKind,
    EvidenceStance,
    RelationKind,
    Stance,
    Status,
)
from claims_tracker.claims.services import TRANSITION_RULES, evidence_problem
from claims_tracker.lib.urls import web_url_validator

from .common import ClaimantRefField, ClaimRefField, RowRefField, VersionedForm, stories_field, textarea

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ClaimForm(forms.Form):
    text = forms.CharField(label="Claim, in neutral words", widget=textarea(3))
    claimant = ClaimantRefField(label="Claimant")
    claimed_at = forms.DateTimeField(
        label="Claimed at (UTC)", widget=DATETIME_WIDGET, initial=timezone.now, help_text="When it was first claimed."
    )
    stories = stories_field()


class ClaimEditForm(VersionedForm, ClaimForm):
    @classmethod
    def initial_for(cls, claim: Claim) -> dict:
        return {
            "text": claim.text,
            "claimant": claim.claimant,
            "claimed_at": claim.claimed_at,
            "stories": [s.pk for s in claim.stories.all()],
            "version": claim.version,
        }


class RelationForm(forms.Form):
    kind = forms.ChoiceField(choices=RelationKind.choices, label="Relation")
    other = ClaimRefField(
        label="Other claim",
        help_text="Its number (e.g. 412) or the address of its page.",
        widget=forms.TextInput(attrs={"list": "claim-refs"}),
    )
    note = forms.CharField(required=False, max_length=500, label="Note")


class ArticleRefField(RowRefField):
    """A report by number ("412", a suggestion's "Title #412") or by its address."""

    model = Article
    noun = "report"
    default_error_messages = {
        "invalid": "Give the report's number (e.g. 412) or its address; add it under “Add a report” if it is new.",
        "unknown": "No report has the address %(text)s; add it under “Add a report” first.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("list_id", "report-refs")
        super().__init__(*args, **kwargs)

    def queryset(self):
        return Article.objects.only("pk", "title", "url", "canonical_url")

    def display(self, obj: Article) -> str:
        return f"{str(obj)[:100]} #{obj.pk}"

    def by_text(self, text: str) -> Article:
        if not text.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        found = self.queryset().filter(Q(url=text) | Q(canonical_url=text)).order_by("pk").first()
        if found is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})
        return found


class AppearanceForm(forms.Form):
    article = ArticleRefField(
        label="Report",
        help_text="Its number (e.g. 412), a suggestion or its address. Add a report first under “Add a report”.",
    )
    speaker = ClaimantRefField(
        required=False, label="Speaker", help_text="Leave empty when it is the claimant; else start typing a name."
    )
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.ASSERTS)
    mode = forms.ChoiceField(choices=AppearanceMode.choices, initial=AppearanceMode.STATEMENT, label="How")
    verb = forms.CharField(required=False, max_length=50, label="Verb")
    quote = forms.CharField(required=False, widget=textarea(2), label="Quote, verbatim")
    is_paraphrase = forms.BooleanField(required=False, label="Paraphrase, not verbatim")


class EvidenceForm(forms.Form):
    url = forms.URLField(
        required=False, max_length=2000, label="Source URL", assume_scheme="https", validators=[web_url_validator]
    )
    kind = forms.ChoiceField(choices=EvidenceKind.choices, initial=EvidenceKind.INDEPENDENT_REPORT)
    stance = forms.ChoiceField(choices=EvidenceStance.choices, label="It… the claim")
    summary = forms.CharField(
        widget=textarea(2), label="Summary", help_text="What the source shows, in one or two lines."
    )


class StatusForm(VersionedForm):
    to_status = forms.ChoiceField(label="New state", widget=forms.RadioSelect)
    rationale = forms.CharField(
        widget=textarea(3), label="Rationale", help_text="Why the state changes; readers see it."
    )
    evidence = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Cite evidence already on the claim"
    )
    changed_at = forms.DateTimeField(
        required=False,
        label="True as of (UTC)",
        widget=DATETIME_WIDGET,
        help_text="When the new state became true, if earlier than now: not before the claim's last change.",
    )
    # One new piece of evidence may be added and cited in the same step.
    new_url = forms.URLField(
        required=False,
        max_length=2000,
        label="New evidence: URL",
        assume_scheme="https",
        validators=[web_url_validator],
    )
    new_kind = forms.ChoiceField(choices=EvidenceKind.choices, initial=EvidenceKind.INDEPENDENT_REPORT, label="Kind")
    new_stance = forms.ChoiceField(choices=[("", "—"), *EvidenceStance.choices], required=False, label="It… the claim")
    new_summary = forms.CharField(required=False, widget=textarea(2), label="Summary")

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.fields["to_status"].choices = [(v, label) for v, label in Status.choices if v != claim.status]
        self.fields["evidence"].choices = [(str(e.pk), e.summary) for e in claim.evidence.all()]
        self.rules = {value: TRANSITION_RULES[value] for value in Status.values}

    def clean(self):
        data = super().clean()
        new_given = any(data.get(k) for k in ("new_url", "new_summary", "new_stance"))
        if new_given:
            if not data.get("new_summary"):
                self.add_error("new_summary", "Summarise what the new evidence shows.")
            if not data.get("new_stance"):
                self.add_error("new_stance", "Say whether it supports or contradicts the claim.")
            if not data.get("new_url"):
                self.add_error("new_url", "Give the new evidence's URL.")
        if data.get("changed_at") and data["changed_at"] > timezone.now():
            self.add_error("changed_at", "A state cannot be true as of a time still to come.")
        # The state's evidence rule now, beside any other problem, rather than after they are fixed.
        if data.get("to_status") in Status.values and "evidence" in data:
            cited = {str(e.pk): e.stance for e in self.claim.evidence.all()}
            stances = {cited[pk] for pk in data["evidence"] if pk in cited}
            if new_given and data.get("new_stance"):
                stances.add(data["new_stance"])
            if problem := evidence_problem(data["to_status"], stances):
                self.add_error("evidence", problem)
        return data

    def new_evidence(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_summary"):
            return None
        return {
            "url": data["new_url"],
            "kind": data["new_kind"],
            "stance": data["new_stance"],
            "summary": data["new_summary"],
        }


class MergeForm(VersionedForm):
    suggestion = ClaimRefField(required=False, widget=forms.HiddenInput)  # radios in the template
    target = ClaimRefField(
        required=False,
        label="…or the claim's number",
        help_text="The claim that stays; this one's page will point readers to it.",
    )
    confirm = forms.BooleanField(label="I checked: both claims say the same thing.")

    def clean(self):
        data = super().clean()
        data["chosen"] = data.get("target") or data.get("suggestion")
        if data["chosen"] is None and not self.has_error("target") and not self.has_error("suggestion"):
            self.add_error("target", "Pick the claim to keep, or give its number.")
        return data
