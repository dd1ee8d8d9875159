"""Claimant, story and outlet pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .. import selectors
from ..caching import catalogue_versions, reader_cached
from ..models import FINAL_STATUSES, Claim, Claimant, Outlet, Status, StatusChange, Story


@dataclass
class RecordLine:
    status: str
    label: str
    count: int
    claims: list[Claim]
    list_url: str  # the claims list filtered to this claimant and state: every claim behind the number


@require_GET
@reader_cached(catalogue_versions)
def claimant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        claimant = selectors.claimant_get(slug=slug)
    except Claimant.DoesNotExist:
        raise Http404("No such claimant.")
    chain: list[Claimant] = []
    node = claimant.affiliation
    while node is not None and len(chain) < 3:  # select_related joined three levels
        chain.append(node)
        node = node.affiliation if node.affiliation_id and len(chain) < 3 else None
    counts, behind = selectors.claimant_track_record(claimant=claimant)
    record = [
        RecordLine(
            status=s,
            label=Status(s).label,
            count=counts[s],
            claims=behind[s],
            list_url="?" + urlencode({"claimant": claimant.slug, "status": s, "sort": "changed"}),
        )
        for s in FINAL_STATUSES
    ]
    context = {
        "claimant": claimant,
        "chain": chain,
        "aliases": [a for a in claimant.aliases.all() if a.alias != claimant.name],
        "members": list(claimant.members.only("slug", "name", "role").order_by("name")[:50]),
        "record": record,
        "record_total": sum(counts.values()),
        "open_claims": selectors.claimant_open_claims(claimant=claimant),
        "all_claims_query": urlencode({"claimant": claimant.slug}),
    }
    return render(request, "claims/claimant_detail.html", context)


@dataclass
class StoryEvent:
    when: datetime
    kind: str  # "claimed" or "changed"
    claim: Claim
    change: StatusChange | None = None


@require_GET
@reader_cached(catalogue_versions)
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    claims = selectors.story_claims(story=story)
    by_id = {c.pk: c for c in claims}
    changes = selectors.story_status_changes(claim_ids=list(by_id))
    events = [StoryEvent(c.claimed_at, "claimed", c) for c in claims]
    events += [StoryEvent(ch.changed_at, "changed", by_id[ch.claim_id], ch) for ch in changes]
    events.sort(key=lambda e: (e.when, e.kind == "changed"), reverse=True)  # newest on top
    pairs = []
    for relation in selectors.story_contradictions(claim_ids=list(by_id)):
        pairs.append((relation.from_claim, relation.to_claim, relation.note))
    context = {
        "story": story,
        "claims": claims,
        "events": events,
        "pairs": pairs,
        "list_query": urlencode({"story": story.slug}),
    }
    return render(request, "claims/story_detail.html", context)


@require_GET
@reader_cached(catalogue_versions)
def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    claims = selectors.claim_attach_row_facts(selectors.outlet_claims(outlet=outlet))
    context = {
        "outlet": outlet,
        "articles": selectors.outlet_articles(outlet=outlet),
        "claims": claims,
        "list_query": urlencode({"outlet": outlet.slug}),
    }
    return render(request, "claims/outlet_detail.html", context)
