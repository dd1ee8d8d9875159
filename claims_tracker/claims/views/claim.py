"""The claim page: state and timeline, who says what, related claims, state "as of" a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import card, jsonld, selectors
from ..caching import claim_versions, reader_cached
from ..models import Appearance, Claim, ClaimRelation, RelationKind, Stance, StatusChange

# Columns left to right: those who back the claim, those who contest it, then plain reports.
STANCE_ORDER = [Stance.ASSERTS, Stance.CONFIRMS, Stance.DENIES, Stance.DISPUTES, Stance.REPORTS]

# How a relation reads from the other claim's side ("A supports B" shows on B as "Supported by").
INVERSE_LABELS = {
    RelationKind.CONTRADICTS: "Contradicts",
    RelationKind.SUPPORTS: "Supported by",
    RelationKind.SAME_AS: "Same as",
    RelationKind.FOLLOWS_UP: "Followed up by",
}


@dataclass
class StanceGroup:
    stance: str
    label: str
    appearances: list[Appearance]


@dataclass
class Related:
    label: str
    kind: str
    claim: Claim
    note: str


def _stance_groups(appearances: list[Appearance]) -> list[StanceGroup]:
    by_stance: dict[str, list[Appearance]] = {s: [] for s in STANCE_ORDER}
    for appearance in appearances:
        by_stance.setdefault(appearance.stance, []).append(appearance)
    return [StanceGroup(stance=s, label=Stance(s).label, appearances=items) for s, items in by_stance.items() if items]


def _related(claim: Claim, relations: list[ClaimRelation]) -> list[Related]:
    out = [r for r in relations if r.from_claim_id == claim.pk]
    into = [r for r in relations if r.from_claim_id != claim.pk]
    related = [Related(RelationKind(r.kind).label, r.kind, r.to_claim, r.note) for r in out]
    related += [Related(INVERSE_LABELS[RelationKind(r.kind)], r.kind, r.from_claim, r.note) for r in into]
    return related


def _parse_as_of(raw: str) -> tuple[date | None, str]:
    if not raw:
        return None, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return None, "Enter the date as YYYY-MM-DD (for example 2023-01-20)."


@require_GET
@reader_cached(claim_versions)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.claim_page_get(pk=pk)
    except Claim.DoesNotExist:
        raise Http404("No such claim.")
    claim = page.claim

    as_of_date, as_of_error = _parse_as_of(request.GET.get("as_of", "").strip())
    as_of_change: StatusChange | None = None
    if as_of_date is not None:
        # "As of 20 January" means by the end of that day (UTC).
        as_of_change = selectors.claim_status_as_of(
            claim=claim, when=datetime.combine(as_of_date, time.max, tzinfo=UTC)
        )

    appearances = page.appearances
    changes = page.changes
    first = next((a for a in appearances if a.article.published_at), appearances[0] if appearances else None)
    outlets = {a.article.outlet_id for a in appearances if a.article.outlet_id}
    context = {
        "claim": claim,
        "changes": changes,
        "current_change": changes[0] if changes else None,
        "groups": _stance_groups(appearances),
        "appearance_count": len(appearances),
        "outlet_count": len(outlets),
        "first_appearance": first,
        "related": _related(claim, page.relations),
        "stories": page.stories,
        "evidence": page.evidence,
        "as_of": as_of_date,
        "as_of_change": as_of_change,
        "as_of_error": as_of_error,
        "jsonld": jsonld.claim_jsonld(claim, base_url=request.build_absolute_uri("/"), appearances=appearances),
    }
    return render(request, "claims/claim_detail.html", context)


@require_GET
@reader_cached(claim_versions)
def claim_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim's share card (og:image): an SVG validated and kept like the claim page."""
    try:
        claim = selectors.claim_card_get(pk=pk)
    except Claim.DoesNotExist:
        raise Http404("No such claim.")
    return render(request, "claims/claim_card.svg", card.card_context(claim), content_type=card.CONTENT_TYPE)
