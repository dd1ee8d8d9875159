"""Fields shared by the desk forms."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe

from claims_tracker.claims.models import Claim, Claimant, Story
from claims_tracker.lib.text import normalize_name

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


_TRAILING_REF = re.compile(r"^(?:(?P<text>.*?)\s+)?#(?P<pk>\d+)\s*$|^\s*(?P<bare>\d+)\s*$", re.S)


class RowRefField(forms.CharField):
    """A row typed, not picked from a list: its number ("412", "#412"), a suggestion's "Name #412", or a
    text key the subclass looks up (`by_text`). A page never lists every row, so it loads as fast at a million
    rows as at ten; suggestions come from a datalist (`list_id`) that desk.js fills as the editor types."""

    model: type
    noun = "row"
    default_error_messages = {"missing": "There is no %(noun)s #%(pk)s."}

    def __init__(self, *args, list_id: str = "", lookup=None, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(autocomplete="off", list=list_id)
        if lookup is not None:  # a lazy URL, resolved when the field is rendered
            self.widget.attrs["data-lookup"] = lookup

    def prepare_value(self, value):
        if isinstance(value, self.model):
            return self.display(value)
        return value

    def display(self, obj) -> str:
        return f"{obj} #{obj.pk}"

    def queryset(self):
        return self.model.objects.all()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = _TRAILING_REF.match(value)
        if found:
            pk = int(found["pk"] or found["bare"])
            obj = self.queryset().filter(pk=pk).first()
            if obj is None:
                raise forms.ValidationError(
                    self.error_messages["missing"], code="missing", params={"noun": self.noun, "pk": pk}
                )
            return obj
        return self.by_text(value.strip())

    def by_text(self, text: str):
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class ClaimantRefField(RowRefField):
    """A claimant by number, or by its name or one of its aliases when only one claimant has it."""

    model = Claimant
    noun = "claimant"
    default_error_messages = {
        "unknown": "No claimant is named “%(text)s”. Pick a suggestion, or add the claimant first.",
        "ambiguous": "Several claimants are named “%(text)s” (%(refs)s): pick one of the suggestions.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("list_id", "claimant-names")
        kwargs.setdefault("lookup", reverse_lazy("desk-claimant-lookup"))
        kwargs.setdefault("help_text", "Start typing a name; pick one of the suggestions.")
        super().__init__(*args, **kwargs)

    def queryset(self):
        return Claimant.objects.only("pk", "name", "role")

    def display(self, obj: Claimant) -> str:
        return f"{obj.name} #{obj.pk}"

    def by_text(self, text: str) -> Claimant:
        named = Q(name__iexact=text) | Q(aliases__normalized=normalize_name(text))
        found = list(self.queryset().filter(named).distinct().order_by("pk")[:5])
        if not found:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})
        if len(found) > 1:
            refs = ", ".join(f"#{c.pk}" for c in found)
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"text": text, "refs": refs}
            )
        return found[0]


class CheckboxList(forms.CheckboxSelectMultiple):
    """Django's checkbox list, the same markup, written in one pass: the stock widget renders a template per
    option, which made 500 stories cost the triage page most of a second."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or ())}
        base = escape(self.build_attrs(self.attrs, attrs).get("id", f"id_{name}"))
        name = escape(name)
        rows = "".join(
            f'<div><label for="{base}_{i}"><input type="checkbox" name="{name}" value="{escape(key)}" '
            f'id="{base}_{i}"{" checked" if str(key) in chosen else ""}> {escape(label)}</label></div>'
            for i, (key, label) in enumerate(self.choices)
        )
        return mark_safe(f'<div id="{base}">{rows}</div>')  # every value above is escaped


def stories_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Story.objects.only("pk", "title").order_by("title"),
        required=False,
        widget=CheckboxList,
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
