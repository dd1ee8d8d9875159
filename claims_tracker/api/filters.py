"""Query-string filters. Filters that cross a to-many relation use EXISTS, never a join +
DISTINCT, so a claim is listed once and the keyset ordering stays index-backed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django_filters import rest_framework as filters

from claims_tracker.claims import selectors
from claims_tracker.claims.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimantKind,
    Outlet,
    OutletKind,
    Status,
    StatusChange,
    Story,
)

from .pagination import to_utc


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 with a zone, compared in UTC (PostgreSQL refuses offsets Python accepts)."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is not None:
            value = to_utc(value, self.field_name)
        return super().filter(qs, value)


class ClaimFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(
        field_name="status", choices=Status.choices, help_text="Current state; repeat for any of several."
    )
    claimant = filters.CharFilter(field_name="claimant__slug", help_text="Claimant slug.")
    story = filters.CharFilter(method="filter_story", help_text="Story slug.")
    outlet = filters.CharFilter(method="filter_outlet", help_text="Slug of an outlet that reported the claim.")
    language = filters.CharFilter(
        method="filter_language", help_text="Language code of an article the claim appeared in (e.g. en, uk, ru)."
    )
    claimed_after = UtcDateTimeFilter(field_name="claimed_at", lookup_expr="gte", help_text="Inclusive.")
    claimed_before = UtcDateTimeFilter(field_name="claimed_at", lookup_expr="lt", help_text="Exclusive.")
    changed_after = UtcDateTimeFilter(
        field_name="status_changed_at", lookup_expr="gte", help_text="State set at or after (inclusive)."
    )
    changed_before = UtcDateTimeFilter(
        field_name="status_changed_at", lookup_expr="lt", help_text="State set before (exclusive)."
    )
    q = filters.CharFilter(method="filter_q", help_text="Full-text search in the statement, claimant and quotes.")
    include_merged = filters.BooleanFilter(
        method="filter_merged", help_text="Include claims merged into others (default: only in the sync feed)."
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_story(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        through = Claim.stories.through.objects.filter(claim_id=OuterRef("pk"), story__slug=value)
        return qs.filter(Exists(through))

    def filter_outlet(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Exists(Appearance.objects.filter(claim_id=OuterRef("pk"), article__outlet__slug=value)))

    def filter_language(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        found = Appearance.objects.filter(claim_id=OuterRef("pk"), article__language__iexact=value.strip())
        return qs.filter(Exists(found))

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.claim_search_pinned(qs, value)

    def filter_merged(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs  # applied by the view, which knows its default


class StatusChangeFilter(filters.FilterSet):
    claim = filters.NumberFilter(field_name="claim_id", help_text="Only this claim's changes.")
    to_state = filters.MultipleChoiceFilter(field_name="to_status", choices=Status.choices)
    changed_after = UtcDateTimeFilter(field_name="changed_at", lookup_expr="gte")
    changed_before = UtcDateTimeFilter(field_name="changed_at", lookup_expr="lt")

    class Meta:
        model = StatusChange
        fields: list[str] = []


class ClaimantFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ClaimantKind.choices)
    side = filters.CharFilter(field_name="side", lookup_expr="iexact")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Claimant
        fields: list[str] = []


class StoryFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", help_text="Part of the title.")

    class Meta:
        model = Story
        fields: list[str] = []


class ArticleFilter(filters.FilterSet):
    outlet = filters.CharFilter(field_name="outlet__slug", help_text="Outlet slug.")
    language = filters.CharFilter(field_name="language", lookup_expr="iexact")
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")

    class Meta:
        model = Article
        fields: list[str] = []


class OutletFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OutletKind.choices)
    country = filters.CharFilter(field_name="country", lookup_expr="iexact")

    class Meta:
        model = Outlet
        fields: list[str] = []
