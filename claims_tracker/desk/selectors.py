"""Reads for the desk pages, each at a fixed number of queries whatever the list length."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, FloatField, Func, Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from claims_tracker.claims.models import Article, Claim, Status, StatusChange
from claims_tracker.claims.selectors import claim_list
from claims_tracker.ingest.models import (
    BearingSuggestion,
    Candidate,
    CandidateGroup,
    CandidateState,
    Feed,
    SuggestionState,
)

OPEN_STATUSES = (Status.UNVERIFIED, Status.DISPUTED)
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


def triage_queue(*, articles: int = 15, per_article: int = 6) -> list[Article]:
    """Articles with untriaged candidates, newest candidates first, each with its first few."""
    new = Candidate.objects.filter(state=CandidateState.NEW)
    qs = (
        Article.objects.filter(candidates__state=CandidateState.NEW)
        .select_related("outlet")
        .annotate(new_count=Count("candidates"), newest=Max("candidates__created_at"))
        .order_by("-newest", "-id")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=new.select_related("claimant").order_by("start_offset", "id"),
                to_attr="new_candidates",
            )
        )[:articles]
    )
    result = list(qs)
    for article in result:
        article.more = max(0, article.new_count - per_article)
        article.new_candidates = article.new_candidates[:per_article]
    return result


def triage_total() -> int:
    return Candidate.objects.filter(state=CandidateState.NEW).count()


def awaiting_verdict(*, limit: int = 15) -> list[Claim]:
    """Open claims, the longest-waiting first, with how long each has been open."""
    now = timezone.now()
    claims = list(
        Claim.objects.filter(merged_into__isnull=True, status__in=OPEN_STATUSES)
        .select_related("claimant")
        .defer("search_vector", "search_document")
        .order_by("created_at", "id")[:limit]
    )
    for claim in claims:
        claim.open_for = now - claim.created_at
    return claims


@dataclass
class Activity:
    when: datetime
    who: str
    what: str
    claim: Claim | None
    from_status: str = ""
    to_status: str = ""


def recent_changes(*, exclude_user, limit: int = 12) -> list[Activity]:
    """Colleagues' recent status changes and claim edits, newest first."""
    changes = (
        StatusChange.objects.exclude(changed_by=exclude_user)
        .exclude(from_status="")
        .select_related("changed_by", "claim")
        .defer("claim__search_vector", "claim__search_document")
        .order_by("-recorded_at", "-id")[:limit]
    )
    items = [
        Activity(
            when=c.recorded_at,
            who=c.changed_by.get_username() if c.changed_by else "system",
            what="changed the state of",
            claim=c.claim,
            from_status=c.from_status,
            to_status=c.to_status,
        )
        for c in changes
    ]
    # Edits of the statement or claimant (history rows that are not a status change).
    edits = (
        Claim.history.exclude(history_user=exclude_user)
        .filter(history_user__isnull=False)
        .select_related("history_user")
        .order_by("-history_date")[: limit * 2]
    )
    edit_rows = list(edits)
    claims = Claim.objects.defer("search_vector", "search_document").in_bulk({e.id for e in edit_rows})
    status_times = {(a.claim.pk, a.when.replace(microsecond=0)) for a in items if a.claim}
    for edit in edit_rows:
        if (edit.id, edit.history_date.replace(microsecond=0)) in status_times:
            continue
        verb = "logged" if edit.history_type == "+" else "edited"
        items.append(
            Activity(when=edit.history_date, who=edit.history_user.get_username(), what=verb, claim=claims.get(edit.id))
        )
    items.sort(key=lambda a: a.when, reverse=True)
    return items[:limit]


def failing_feeds(*, limit: int = 10) -> list[Feed]:
    return list(
        Feed.objects.filter(active=True, consecutive_failures__gt=0)
        .select_related("outlet")
        .order_by("-consecutive_failures", "title")[:limit]
    )


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Similarity(Func):
    function = "similarity"
    output_field = FloatField()


def similar_claims(text: str, *, exclude: tuple[int, ...] = (), limit: int = 6) -> list[Claim]:
    """Existing claims like `text`, best first: trigram similarity (pg_trgm) or full-text rank.

    word_similarity(claim, sentence) lets a short neutral statement match inside a long
    reported sentence; the full-text rank (any of the sentence's words) catches paraphrases
    that share vocabulary but not letters.
    """
    text = (text or "").strip()[:1000]
    if not text:
        return []
    words = sorted({w.lower() for w in _WORD.findall(text)})[:40]
    score = Greatest(
        Similarity(F("text"), Value(text)),
        WordSimilarity(F("text"), Value(text)),
        output_field=FloatField(),
    )
    qs = claim_list().exclude(pk__in=exclude).annotate(trigram=score)
    condition = Q(trigram__gte=0.3)
    if words:
        query = SearchQuery(" | ".join(words), config="english", search_type="raw")
        qs = qs.annotate(rank=SearchRank("search_vector", query))
        condition |= Q(search_vector=query)
    else:
        qs = qs.annotate(rank=Value(0.0, output_field=FloatField()))
    qs = qs.filter(condition).annotate(score=Greatest("trigram", "rank", output_field=FloatField()))
    return list(qs.order_by("-score", "-id")[:limit])


def desk_claims(*, query: str = "", status: str = "", limit: int = 50) -> QuerySet[Claim]:
    from claims_tracker.claims.selectors import claim_search

    qs = claim_list()
    if status in Status.values:
        qs = qs.filter(status=status)
    if query.strip().lstrip("#").isdigit():
        return qs.filter(pk=int(query.strip().lstrip("#")))
    qs = claim_search(qs, query)
    order = ("-rank", "-id") if query.strip() else ("-updated_at", "-id")
    return qs.order_by(*order)[:limit]


def _outlets_of(members: list[Candidate]) -> int:
    """How many outlets report the group: each outlet once, a report with no outlet counted on its own."""
    return len({("outlet", m.article.outlet_id) if m.article.outlet_id else ("article", m.article_id) for m in members})


def triage_groups(*, limit: int = 10) -> list[CandidateGroup]:
    """Groups with two or more untriaged members from different reports, the newest first, each with its members
    (`new_members`) and `outlets`: the desk shows each as one row. Two queries."""
    new = Candidate.objects.filter(state=CandidateState.NEW)
    groups = list(
        CandidateGroup.objects.annotate(new_count=Count("members", filter=Q(members__state=CandidateState.NEW)))
        .filter(new_count__gte=2)
        .select_related("claimant")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=new.select_related("article__outlet").defer("article__text", "article__minhash"),
                to_attr="new_members",
            )
        )
        .order_by("-created_at", "-id")[:limit]
    )
    for group in groups:
        group.outlets = _outlets_of(group.new_members)
    return groups


def group_get(pk: int) -> CandidateGroup | None:
    """A group with every member (triaged or not), its report and outlet: `all_members`, `outlets`. Two queries."""
    group = (
        CandidateGroup.objects.filter(pk=pk)
        .select_related("claimant")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Candidate.objects.select_related("article__outlet", "claimant", "claim")
                .defer("article__text", "article__minhash")
                .order_by("article__published_at", "article_id", "id"),
                to_attr="all_members",
            )
        )
        .first()
    )
    if group is not None:
        group.outlets = _outlets_of(group.all_members)
        group.new_members = [m for m in group.all_members if m.state == CandidateState.NEW]
    return group


def candidate_bearings(candidate: Candidate) -> list[BearingSuggestion]:
    """The claims the candidate's report may bear on, still to decide. One query."""
    return list(
        BearingSuggestion.objects.filter(candidate=candidate, state=SuggestionState.PROPOSED)
        .select_related("claim__claimant")
        .defer("claim__search_vector", "claim__search_document")
        .order_by("id")
    )
