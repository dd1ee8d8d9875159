"""Claimants, stories and outlets."""

from __future__ import annotations

from django import forms

from claims_tracker.claims.models import Claimant, ClaimantKind, OutletKind, Story
from claims_tracker.lib.urls import web_url_validator

from .common import ClaimantRefField, VersionedForm, textarea


class ClaimantForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ClaimantKind.choices, initial=ClaimantKind.PERSON)
    role = forms.CharField(max_length=300, required=False, help_text="E.g. “Deputy Defense Minister of Ukraine”.")
    affiliation = ClaimantRefField(
        required=False, label="Affiliation", help_text="The body this claimant belongs to or leads; start typing."
    )
    side = forms.CharField(max_length=100, required=False, label="Side or country")
    description = forms.CharField(required=False, widget=textarea(2))
    aliases = forms.CharField(
        required=False,
        widget=textarea(3),
        help_text="One per line: the names under which this claimant appears in reports (used to match speakers).",
    )

    def __init__(self, *args, instance: Claimant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance

    def clean_affiliation(self):
        affiliation = self.cleaned_data.get("affiliation")
        if affiliation is not None and self.instance is not None and affiliation.pk == self.instance.pk:
            raise forms.ValidationError("A claimant cannot belong to itself.", code="self")
        return affiliation


class ClaimantEditForm(VersionedForm, ClaimantForm):
    @classmethod
    def initial_for(cls, claimant: Claimant) -> dict:
        return {
            "name": claimant.name,
            "kind": claimant.kind,
            "role": claimant.role,
            "affiliation": claimant.affiliation,
            "side": claimant.side,
            "description": claimant.description,
            "aliases": "\n".join(a.alias for a in claimant.aliases.all()),
            "version": claimant.version,
        }


class StoryForm(forms.Form):
    title = forms.CharField(max_length=300)
    summary = forms.CharField(required=False, widget=textarea(3))
    place = forms.CharField(required=False, max_length=200)
    started_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("started_on") and data.get("ended_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", "The story cannot end before it starts.")
        return data


class StoryEditForm(VersionedForm, StoryForm):
    @classmethod
    def initial_for(cls, story: Story, version: int) -> dict:
        return {
            "title": story.title,
            "summary": story.summary,
            "place": story.place,
            "started_on": story.started_on,
            "ended_on": story.ended_on,
            "version": version,
        }


class OutletForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=OutletKind.choices, initial=OutletKind.OTHER)
    homepage = forms.URLField(required=False, max_length=500, assume_scheme="https", validators=[web_url_validator])
    country = forms.CharField(required=False, max_length=100)


class OutletEditForm(VersionedForm, OutletForm):
    pass
