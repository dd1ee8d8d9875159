"""Add a report: by URL (fetched by the ingest workers) or by pasting its text."""

from __future__ import annotations

from django import forms

from claims_tracker.claims.models import Outlet
from claims_tracker.lib.urls import web_url_validator

from .common import textarea


class ReportUrlForm(forms.Form):
    url = forms.URLField(
        max_length=2000,
        label="Report URL",
        assume_scheme="https",
        validators=[web_url_validator],
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.com/news/…"}),
    )


class ReportTextForm(forms.Form):
    text = forms.CharField(
        label="Report text",
        widget=textarea(12),
        max_length=200_000,
        help_text="Paste the whole article; quotes and attributions are found in it.",
    )
    title = forms.CharField(required=False, max_length=500)
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.only("pk", "name").order_by("name"), required=False, empty_label="— unknown —"
    )
    published_at = forms.DateTimeField(
        required=False,
        label="Published (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 80:
            raise forms.ValidationError("That is too short to be a report: paste the whole article.")
        return text
