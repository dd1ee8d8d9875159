"""The claimant index (A-Z, with each claimant's track record) and the story index."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..caching import catalogue_versions, reader_cached
from ..models import FINAL_STATUSES, Claimant, Status
from ..selectors.indexes import INDEX_LIMIT


@dataclass
class Group:
    letter: str
    claimants: list[Claimant]


def _grouped(claimants: list[Claimant]) -> list[Group]:
    groups: list[Group] = []
    for claimant in claimants:
        letter = claimant.name[:1].upper()
        if not groups or groups[-1].letter != letter:
            groups.append(Group(letter, []))
        claimant.record_lines = [(s, Status(s).label, n) for s, n in claimant.record.items()]
        groups[-1].claimants.append(claimant)
    return groups


@require_GET
@reader_cached(catalogue_versions)
def claimant_index(request: HttpRequest) -> HttpResponse:
    letters = selectors.claimant_index_letters()
    letter = request.GET.get("letter", "").strip().upper()
    error = ""
    if letter and letter not in letters:
        error = "There is no claimant under that letter: pick one of the letters below."
        letter = ""
    claimants = selectors.claimant_index(letter=letter)
    context = {
        "letters": letters,
        "letter": letter,
        "error": error,
        "groups": _grouped(claimants),
        "truncated": len(claimants) >= INDEX_LIMIT,
        "limit": INDEX_LIMIT,
        "final_states": [Status(s).label.lower() for s in FINAL_STATUSES],
    }
    return render(request, "claims/claimant_index.html", context, status=400 if error else 200)


@require_GET
@reader_cached(catalogue_versions)
def story_index(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/story_index.html", {"stories": selectors.story_index()})
