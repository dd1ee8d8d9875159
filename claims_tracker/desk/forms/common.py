"""Fields shared by the desk forms."""

from __future__ import annotations

import re

from django import forms

from claims_tracker.claims.models import Claim, Claimant, Story

_CLAIM_REF = re.compile(r"^(?:#?(\d+)|.*/claims/(\d+)/?(?:[?#].*)?)$")


class ClaimRefField(forms.CharField):
    """A claim named by number ("412", "#412") or by the address of its page."""

    default_error_messages = {
        "invalid": "Give the claim's number (e.g. 412) or paste the address of its page.",
        "missing": "There is no claim #%(pk)s.",
        "merged": "Claim #%(pk)s was merged into #%(target)s; use that one.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "text")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = _CLAIM_REF.match(value.strip())
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        pk = int(match.group(1) or match.group(2))
        claim = Claim.objects.defer("search_vector", "search_document").filter(pk=pk).first()
        if claim is None:
            raise forms.ValidationError(self.error_messages["missing"], code="missing", params={"pk": pk})
        if claim.merged_into_id:
            raise forms.ValidationError(
                self.error_messages["merged"], code="merged", params={"pk": pk, "target": claim.merged_into_id}
            )
        return claim


class ClaimantChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Claimant.objects.only("pk", "name", "role").order_by("name"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Claimant) -> str:
        return f"{obj.name} ({obj.role})" if obj.role else obj.name


def stories_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Story.objects.only("pk", "title").order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=kwargs.pop("help_text", "The events this claim is about."),
        **kwargs,
    )


class VersionedForm(forms.Form):
    """Carries the version the editor loaded; the service refuses the save if it moved on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
