"""Reads for the claimant and story indexes (the A-Z of who made claims, and every story)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Left, Upper

from claims_tracker.api.queries import claimant_list_with_record, story_list

from ..models import Claimant, Story

INDEX_LIMIT = 500  # claimants on one index page; a letter reaches the rest


def claimant_index_letters() -> list[str]:
    """The first letters of claimants' names, upper case, in order (one query over the names)."""
    letters = Claimant.objects.annotate(letter=Upper(Left("name", 1))).values_list("letter", flat=True)
    return sorted(set(letters.order_by().distinct()))


def claimant_index(*, letter: str = "", limit: int = INDEX_LIMIT) -> list[Claimant]:
    """Claimants in name order (those whose name starts with `letter`, when given), each with its
    claims' total and its track record (`record_<state>` counts of final states)."""
    qs: QuerySet[Claimant] = claimant_list_with_record().only("slug", "name", "kind", "role", "side")
    if letter:
        qs = qs.filter(name__istartswith=letter)
    return list(qs.order_by("name", "id")[:limit])


def story_index() -> list[Story]:
    """Every story, newest first, with how many claims it gathers."""
    return list(story_list().only("slug", "title", "place", "started_on", "ended_on").order_by("-started_on", "title"))
