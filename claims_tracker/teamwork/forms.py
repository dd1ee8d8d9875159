"""Input for the team pages: validation only; the services decide."""

from __future__ import annotations

from django import forms

from .models import NOTE_MAX_LENGTH


class AssignForm(forms.Form):
    # The choices are the desk's editors; empty means "nobody" (unassign).
    assignee = forms.TypedChoiceField(label="Assigned to", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, editors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody")] + [(u.pk, u.get_username()) for u in editors]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Internal note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by editors only: never on public pages, feeds, the API or webhooks.",
        error_messages={"required": "Write the note first."},
    )
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class FollowForm(forms.Form):
    action = forms.ChoiceField(choices=[("follow", "Follow"), ("unfollow", "Stop following")])


class MarkReadForm(forms.Form):
    """`ids` (repeated) names the notifications to mark read; none named: every unread one."""

    def clean(self):
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        if any(not (str(v).isdigit() and len(str(v)) < 12) for v in raw):
            raise forms.ValidationError("Those notifications are not ones this page listed. Reload and try again.")
        self.cleaned_data["ids"] = [int(v) for v in raw] or None
        return self.cleaned_data
