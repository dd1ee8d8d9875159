"""Input validation for the feed pages; the services do the rest (URL safety, duplicates)."""

from __future__ import annotations

from django import forms

from claims_tracker.claims.models import Outlet


class FeedForm(forms.Form):
    url = forms.CharField(
        label="Feed URL",
        max_length=2000,
        help_text="The address of an RSS, Atom or JSON Feed, starting with https:// or http://.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "placeholder": "https://example.org/rss.xml"}),
    )
    title = forms.CharField(
        label="Name", max_length=300, required=False, help_text="Optional; taken from the feed when left empty."
    )
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.order_by("name"),
        required=False,
        empty_label="— none —",
        help_text="Articles from this feed are credited to this outlet.",
    )
    poll_interval = forms.IntegerField(
        label="Poll every (minutes)", min_value=1, max_value=24 * 60, initial=15, help_text="Between 1 and 1440."
    )
