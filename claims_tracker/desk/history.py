"""Who changed which field when: simple-history records turned into readable field changes.

Used by the edit pages (the history panel) and by the stale-version refusal (the changes the
other editor saved since the version this editor loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from claims_tracker.claims.models import Claim, Claimant

# Fields an editor recognises; bookkeeping (version, timestamps of the status) is left out.
TRACKED: dict[type[models.Model], tuple[str, ...]] = {
    Claim: ("text", "claimant", "claimed_at", "status", "merged_into"),
    Claimant: ("name", "kind", "role", "affiliation", "side", "description"),
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Revision:
    when: datetime
    who: str
    kind: str  # created / changed
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)


def _display(model: type[models.Model], name: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return names.get((name, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return value.strftime("%-d %b %Y, %H:%M UTC")
    return str(value)


def _value(record: Any, model: type[models.Model], name: str) -> Any:
    model_field = model._meta.get_field(name)
    return getattr(record, model_field.attname)


def revisions(obj: Claim | Claimant, *, since_version: int | None = None, limit: int = 30) -> list[Revision]:
    """The object's revisions, newest first; with `since_version`, only those after it.

    Fetches the records in one query (plus one per related model for names), then diffs
    consecutive records in Python instead of asking simple-history for each `prev_record`.
    """
    model = type(obj)
    tracked = TRACKED[model]
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    related: dict[tuple[str, int], str] = {}
    for name in tracked:
        model_field = model._meta.get_field(name)
        if not model_field.is_relation:
            continue
        ids = {_value(r, model, name) for r in records} - {None}
        for target in model_field.related_model.objects.filter(pk__in=ids):
            related[(name, target.pk)] = str(target)
    out: list[Revision] = []
    previous = None
    for record in records:
        user = record.history_user
        revision = Revision(
            when=record.history_date,
            who=(user.get_username() if user else "system"),
            kind="created" if record.history_type == "+" else "changed",
            version=getattr(record, "version", None),
        )
        for name in tracked:
            new = _value(record, model, name)
            old = _value(previous, model, name) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            label = model._meta.get_field(name).verbose_name
            revision.changes.append(
                FieldChange(
                    label=str(label).capitalize(),
                    old=_display(model, name, old, related) if previous is not None else "",
                    new=_display(model, name, new, related),
                )
            )
        previous = record
        if since_version is not None and (revision.version or 0) <= since_version:
            continue
        out.append(revision)
    out.reverse()
    return out[:limit]
