"""Reads for shared work, each at a fixed number of queries whatever the list length."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from claims_tracker.accounts.roles import EDITOR_GROUP, REVIEWER_GROUP
from claims_tracker.claims.models import Claim
from claims_tracker.claims.pagination import Keyset, Page, page_after
from claims_tracker.ingest.models import Candidate, CandidateState

from .models import Activity, Assignment, EmailDigest, Follow, Note, Notification

PAGE_SIZE = 50
ACTIVITY_KEYSET = Keyset("activity", Activity, ("created_at", "id"), descending=True)
NOTIFICATION_KEYSET = Keyset("notifications", Notification, ("created_at", "id"), descending=True)
MY_WORK_KEYSET = Keyset("my-work", Assignment, ("assigned_at", "id"), descending=True)


def open_work(qs: QuerySet) -> QuerySet:
    """The assignments of `qs` still to work on: a claim not merged away, or triage work with something left
    to decide (a lone candidate still new; a group with an untriaged member).

    Each test is a correlated probe of one row by an index (the claim's or candidate's primary key, the
    candidate group index), so the cost follows the user's own assignments. Written as EXISTS under an OR,
    PostgreSQL hashed every untriaged candidate of the table instead (a whole-table read per page)."""

    def first(rows: QuerySet) -> Subquery:
        return Subquery(rows.order_by().values("pk")[:1])

    new = Candidate.objects.filter(state=CandidateState.NEW)
    return qs.alias(
        open_claim=first(Claim.objects.filter(pk=OuterRef("claim_id"), merged_into__isnull=True)),
        open_candidate=first(new.filter(pk=OuterRef("candidate_id"))),
        open_group=first(new.filter(group_id=OuterRef("group_id"))),
    ).filter(Q(open_claim__isnull=False) | Q(open_candidate__isnull=False) | Q(open_group__isnull=False))


@dataclass
class Counts:
    work: int
    unread: int


def nav_counts(user: AbstractBaseUser) -> Counts:
    """What the desk's nav shows beside "My work" and "Notifications": one query."""

    def count(qs: QuerySet, group: str) -> Coalesce:
        # The usual correlated count: grouped by the column the outer row fixes.
        rows = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    work = open_work(Assignment.objects.filter(assignee=OuterRef("pk")))
    unread = Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(work=count(work, "assignee"), unread=count(unread, "user"))
        .values("work", "unread")
        .first()
    )
    return Counts(**row) if row else Counts(0, 0)


def editors() -> list:
    """Everyone who can be given a claim, by name."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=(EDITOR_GROUP, REVIEWER_GROUP)) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
        .only("pk", "username", "first_name", "last_name")
    )


def my_work(user: AbstractBaseUser, *, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    """What `user` has to do, the most recently assigned first: claims (with state and last change) and
    triage work (candidate groups, each with its untriaged members; lone candidates, with their report).
    Two queries, three when the page holds a group."""
    qs = (
        open_work(Assignment.objects.filter(assignee=user))
        .select_related(
            "claim",
            "claim__claimant",
            "claim__status_changed_by",
            "assigned_by",
            "group__claimant",
            "candidate__claimant",
            "candidate__article__outlet",
        )
        .defer(
            "claim__search_vector",
            "claim__search_document",
            "candidate__article__text",
            "candidate__article__minhash",
        )
    )
    page = _page(qs, MY_WORK_KEYSET, cursor, size)
    groups = [a.group for a in page.items if a.group_id]
    if groups:
        new = Candidate.objects.filter(state=CandidateState.NEW).select_related("article__outlet")
        new = new.defer("article__text", "article__minhash").order_by("article__published_at", "article_id", "id")
        prefetch_related_objects(groups, Prefetch("members", queryset=new, to_attr="new_members"))
        for group in groups:
            group.outlets = len({m.article.outlet_id or f"a{m.article_id}" for m in group.new_members})
    return page


def claim_team(claim: Claim, user: AbstractBaseUser) -> dict:
    """The claim page's team panel: who has it, its notes (and those of claims merged into it),
    whether `user` follows it, and whom it can go to. Four queries."""
    assignment = Assignment.objects.select_related("assignee", "assigned_by").filter(claim=claim).first()
    notes = list(
        Note.objects.filter(Q(claim=claim) | Q(claim__merged_into=claim))
        .select_related("author")
        .order_by("created_at", "id")
    )
    corrected = {n.corrects_id for n in notes if n.corrects_id}
    for note in notes:
        note.is_corrected = note.pk in corrected
    following = Follow.objects.filter(user=user, claim=claim).exists()
    return {"assignment": assignment, "notes": notes, "following": following, "editors": editors()}


def wants_digest(user: AbstractBaseUser) -> bool:
    return EmailDigest.objects.filter(user=user).exists()


def follows_story(user: AbstractBaseUser, story_id: int) -> bool:
    return Follow.objects.filter(user=user, story_id=story_id).exists()


def _page(qs: QuerySet, keyset: Keyset, cursor: str | None, size: int) -> Page:
    """One page newest first; raises pagination.CursorError for a link this list did not issue."""
    position = keyset.decode(cursor)[0] if cursor else None
    page = page_after(qs, keyset, position=position, size=size)
    if page.has_more:
        page.next_cursor = keyset.encode(keyset.position_of(page.items[-1]))
    return page


def activity_page(actor: AbstractBaseUser, *, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    qs = (
        Activity.objects.filter(actor=actor)
        .select_related("claim", "subject", "group", "candidate")
        .defer("claim__search_vector", "claim__search_document")
    )
    return _page(qs, ACTIVITY_KEYSET, cursor, size)


# What a notification is shown with, on its page and in the digest email.
NOTIFICATION_JOINS = (
    "activity",
    "activity__actor",
    "activity__claim",
    "activity__subject",
    "activity__group",
    "activity__candidate",
)


def notifications_page(user: AbstractBaseUser, *, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    qs = (
        Notification.objects.filter(user=user)
        .select_related(*NOTIFICATION_JOINS)
        .defer("activity__claim__search_vector", "activity__claim__search_document")
    )
    return _page(qs, NOTIFICATION_KEYSET, cursor, size)
