"""Input validation for the feed pages; the services do the rest (URL safety, duplicates)."""

from __future__ import annotations

from django import forms
from django.conf import settings

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
        label="Poll every (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=15,
        help_text="To start with: polls then come more often while the feed changes, less often while it does not.",
    )
    poll_interval_min = forms.IntegerField(
        label="At most every (minutes)", min_value=1, max_value=24 * 60, required=False
    )
    poll_interval_max = forms.IntegerField(
        label="At least every (minutes)", min_value=1, max_value=7 * 24 * 60, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds_help(self)


class FeedBoundsForm(forms.Form):
    """The bounds of a feed's adaptive interval, in minutes; empty: the newsroom's default."""

    poll_interval_min = FeedForm.base_fields["poll_interval_min"]
    poll_interval_max = FeedForm.base_fields["poll_interval_max"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds_help(self)


def bounds_help(form: forms.Form) -> None:
    low, high = settings.INGEST_FEED_MIN_INTERVAL // 60, settings.INGEST_FEED_MAX_INTERVAL // 60
    form.fields["poll_interval_min"].help_text = f"The shortest interval. Empty: {low} min."
    form.fields["poll_interval_max"].help_text = f"The longest interval. Empty: {high} min."


def seconds(minutes: int | None) -> int | None:
    return None if minutes is None else minutes * 60
