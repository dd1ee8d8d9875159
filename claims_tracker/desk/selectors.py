"""Reads for the desk pages, each at a fixed number of queries whatever the list length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from claims_tracker.claims.models import Article, Claim, Claimant, Status, StatusChange
from claims_tracker.claims.selectors import claim_list
from claims_tracker.ingest.claim_matching import Match, Probe, claim_matches
from claims_tracker.ingest.models import (
    BearingSuggestion,
    Candidate,
    CandidateGroup,
    CandidateState,
    Feed,
    SuggestionState,
)

OPEN_STATUSES = (Status.UNVERIFIED, Status.DISPUTED)
COUNT_CAP = 1000  # list counts above this read "1,000+"


def triage_queue(*, articles: int = 15, per_article: int = 6, scan: int = 1000) -> list[Article]:
    """Articles with untriaged candidates, newest candidates first, each with its first few.

    The articles are found among the `scan` newest untriaged candidates (an index read), not by grouping every
    untriaged candidate: at 100k of them that GROUP BY cost the desk's start page over a second."""
    new = Candidate.objects.filter(state=CandidateState.NEW)
    order: dict[int, None] = {}
    for article_id in new.order_by("-created_at", "-id").values_list("article_id", flat=True)[:scan]:
        order.setdefault(article_id)
        if len(order) == articles:
            break
    counts = dict(new.filter(article_id__in=order).order_by().values_list("article_id").annotate(n=Count("pk")))
    found = (
        Article.objects.filter(pk__in=order)
        .select_related("outlet")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=new.select_related("claimant", "assignment__assignee").order_by("start_offset", "id"),
                to_attr="new_candidates",
            )
        )
    )
    by_id = {article.pk: article for article in found}
    result = [by_id[pk] for pk in order if pk in by_id]
    for article in result:
        article.new_count = counts.get(article.pk, 0)
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


def similar_claims(claim: Claim, *, limit: int = 6) -> list[Match]:
    """The claims `claim` may duplicate, best first, scored and explained as triage scores a candidate's."""
    return claim_matches(Probe.of_claim(claim), exclude=(claim.pk,), limit=limit)


def desk_claims(*, query: str = "", status: str = "", limit: int = 50, with_assignee: bool = False) -> list[Claim]:
    """The desk's claim list: a number, a search (best match first) or the latest edited; each row with its
    outlet count and dispute flag, read for the page's ids only (a GROUP BY over every appearance would read
    the whole table at a million claims). `with_assignee`: each claim's assignment (teamwork) read by a
    second query for the page's claims."""
    from claims_tracker.claims.selectors import claim_attach_row_facts, claim_search
    from claims_tracker.teamwork.models import Assignment

    qs = claim_list(annotate=False)
    if with_assignee:
        qs = qs.prefetch_related(Prefetch("assignment", queryset=Assignment.objects.select_related("assignee")))
    if status in Status.values:
        qs = qs.filter(status=status)
    if query.strip().lstrip("#").isdigit():
        qs = qs.filter(pk=int(query.strip().lstrip("#")))
    else:
        qs = claim_search(qs, query)
        qs = qs.order_by(*(("-rank", "-id") if query.strip() else ("-updated_at", "-id")))
    return claim_attach_row_facts(list(qs[:limit]))


def claimant_suggestions(query: str, *, limit: int = 12) -> list[Claimant]:
    """Claimants whose name or an alias holds `query`, names that start with it first (the desk's name fields)."""
    query = query.strip()[:100]
    if not query:
        return []
    named = Q(name__icontains=query) | Q(aliases__alias__icontains=query)
    starts = Case(When(name__istartswith=query, then=Value(0)), default=Value(1))
    found = Claimant.objects.filter(pk__in=Claimant.objects.filter(named).values("pk")[:200])
    return list(found.only("pk", "name", "role").annotate(starts=starts).order_by("starts", "name", "pk")[:limit])


def recent_claims(*, limit: int = 40) -> list[Claim]:
    """The latest edited claims, offered as suggestions where a claim is named by number (relations)."""
    latest = Claim.objects.filter(merged_into__isnull=True).only("pk", "text").order_by("-updated_at", "-id")
    return list(latest[:limit])


def recent_reports(*, limit: int = 20) -> list[Article]:
    """The newest reports, offered as suggestions where a report is named (appearances)."""
    return list(Article.objects.only("pk", "title", "url", "canonical_url").order_by("-id")[:limit])


def with_counts(rows: list, model: type, key: str, attr: str, *, cap: int | None = None) -> list:
    """Set `attr` on each row: how many `model` rows point at it through `key`, counted up to `cap` (then
    `attr_more` is True and the page shows "1,000+"). One query for the page's ids, each count a bounded index
    read: an exact COUNT over a big outlet's million reports would cost the page a second, for a figure that
    says no more than "many"."""
    cap = COUNT_CAP if cap is None else cap
    ids = [row.pk for row in rows]
    table, column = model._meta.db_table, model._meta.get_field(key).column
    sql = (
        f'SELECT r.id, (SELECT count(*) FROM (SELECT 1 FROM "{table}" t WHERE t."{column}" = r.id LIMIT %s) s) '
        "FROM unnest(%s::bigint[]) AS r(id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cap + 1, ids])
        counts = dict(cursor.fetchall())
    for row in rows:
        found = counts.get(row.pk, 0)
        setattr(row, attr, min(found, cap))
        setattr(row, f"{attr}_more", found > cap)
    return rows


def _outlets_of(members: list[Candidate]) -> int:
    """How many outlets report the group: each outlet once, a report with no outlet counted on its own."""
    return len({("outlet", m.article.outlet_id) if m.article.outlet_id else ("article", m.article_id) for m in members})


def triage_groups(*, limit: int = 10) -> list[CandidateGroup]:
    """Groups with two or more untriaged members from different reports, the newest first, each with its members
    (`new_members`), `outlets` and who has it to triage: the desk shows each as one row. Two queries.

    The newest groups are walked by primary key, each probed for a second untriaged member (the candidate group
    index), until `limit` are found: counting every group's members (a GROUP BY over all groups) grew with the
    table, this grows with the groups triaged lately."""
    new = Candidate.objects.filter(state=CandidateState.NEW)
    second_new = new.filter(group_id=OuterRef("pk")).order_by().values("pk")[1:2]
    groups = list(
        CandidateGroup.objects.alias(second_new=Subquery(second_new))
        .filter(second_new__isnull=False)
        .select_related("claimant", "assignment__assignee")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=new.select_related("article__outlet").defer("article__text", "article__minhash"),
                to_attr="new_members",
            )
        )
        .order_by("-id")[:limit]
    )
    for group in groups:
        group.outlets = _outlets_of(group.new_members)
    return groups


def group_get(pk: int) -> CandidateGroup | None:
    """A group with every member (triaged or not), its report and outlet: `all_members`, `outlets`. Two queries."""
    group = (
        CandidateGroup.objects.filter(pk=pk)
        .select_related("claimant", "assignment__assignee", "assignment__assigned_by")
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
