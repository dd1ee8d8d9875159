"""The reviewers' accounts page: which paused login to lift."""

from __future__ import annotations

from django import forms


class PauseLiftForm(forms.Form):
    username = forms.CharField(required=False, max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("username") or data.get("ip_address")):
            raise forms.ValidationError("Name the username or the address whose pause to lift.")
        return data
