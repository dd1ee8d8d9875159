"""Writes to claimants (with their aliases) and stories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claims_tracker.lib.text import normalize_name, normalize_whitespace

from ..models import Claimant, ClaimantAlias, Story
from .common import ServiceError, _require_text, check_version, unique_slug
from .search import claimant_refresh_search


def claimant_create(
    *,
    name: str,
    kind: str = "person",
    role: str = "",
    affiliation: Claimant | None = None,
    side: str = "",
    description: str = "",
    aliases: Iterable[str] = (),
    slug: str | None = None,
) -> Claimant:
    name = _require_text(name, "name", "Name")
    with transaction.atomic():
        claimant = Claimant.objects.create(
            name=name,
            slug=slug or unique_slug(Claimant, name),
            kind=kind,
            role=role,
            affiliation=affiliation,
            side=side,
            description=description,
        )
        claimant_add_aliases(claimant=claimant, aliases=[name, *aliases])
    return claimant


def claimant_add_aliases(*, claimant: Claimant, aliases: Iterable[str]) -> list[ClaimantAlias]:
    added = []
    for alias in aliases:
        alias = normalize_whitespace(alias)
        normalized = normalize_name(alias)
        if not normalized:
            continue
        obj, created = ClaimantAlias.objects.get_or_create(
            claimant=claimant, normalized=normalized, defaults={"alias": alias}
        )
        if created:
            added.append(obj)
    return added


def claimant_update(*, claimant_id: int, expected_version: int, **fields: Any) -> Claimant:
    """Edit a claimant; a stale `expected_version` writes nothing."""
    allowed = {"name", "kind", "role", "affiliation", "side", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        claimant = Claimant.objects.select_for_update().get(pk=claimant_id)
        check_version(claimant.version, expected_version, "claimant")
        if "name" in fields:
            fields["name"] = _require_text(fields["name"], "name", "Name")
        affiliation = fields.get("affiliation")
        if affiliation is not None and _affiliation_loops(claimant, affiliation):
            raise ServiceError("A claimant cannot belong to itself, directly or through others.", field="affiliation")
        for key, value in fields.items():
            setattr(claimant, key, value)
        claimant.version += 1
        claimant.save()
        if "name" in fields:
            claimant_add_aliases(claimant=claimant, aliases=[claimant.name])
            claimant_refresh_search(claimant_id=claimant.pk)
    return claimant


def _affiliation_loops(claimant: Claimant, affiliation: Claimant) -> bool:
    seen: set[int] = set()
    node: Claimant | None = affiliation
    while node is not None and node.pk not in seen:
        if node.pk == claimant.pk:
            return True
        seen.add(node.pk)
        node = node.affiliation
    return False


def story_create(
    *, title: str, summary: str = "", place: str = "", started_on=None, ended_on=None, slug: str | None = None
) -> Story:
    title = _require_text(title, "title", "Title")
    if started_on and ended_on and ended_on < started_on:
        raise ServiceError("The story cannot end before it starts.", field="ended_on")
    return Story.objects.create(
        title=title,
        slug=slug or unique_slug(Story, title),
        summary=summary,
        place=place,
        started_on=started_on,
        ended_on=ended_on,
    )
