"""Claims: browse list, sync feed, detail; and the status-change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.claims import selectors
from claims_tracker.claims.models import Claim, Claimant, StatusChange

from .. import queries, serializers, shapes
from ..conditional import Validators, make_etag, settled_last_modified
from ..filters import ClaimFilter, StatusChangeFilter
from ..pagination import MAX_PAGE_SIZE, Keyset, Page, parse_aware, position_from
from .base import ApiView, KeysetListApi

CLAIM_ORDERINGS = {
    "updated": Keyset("claims-updated", Claim, ("updated_at", "id"), descending=True),
    "claimed": Keyset("claims-claimed", Claim, ("claimed_at", "id"), descending=True),
    "changed": Keyset("claims-changed", Claim, ("status_changed_at", "id"), descending=True),
}
CLAIM_SYNC = Keyset("claims-sync", Claim, ("updated_at", "id"))
STATUS_CHANGE_FEED = Keyset("status-changes", StatusChange, ("recorded_at", "id"))
MAX_ID = 2**63 - 1  # bigint max: a position after every id at a given time

PAGE_PARAMS = [
    OpenApiParameter(
        "cursor",
        {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
        description="`next_cursor` of the previous page (opaque; empty for the first page; any other value is a 400).",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default 50).",
    ),
]
CLAIM_KEYS = ("id", "version", "updated_at", "claimed_at", "status_changed_at")


class _ClaimRowsMixin:
    filterset_class = ClaimFilter
    etag_fields = CLAIM_KEYS
    etag_newest = (Claimant, "updated_at")  # rows show the claimant's name and slug
    request: Request

    def base_queryset(self) -> QuerySet:
        return Claim.objects.all()

    def decorate(self, qs: QuerySet) -> QuerySet:
        return queries.claim_rows(qs, keyset_fields=self.get_keyset().fields)

    def shape(self, row: Any) -> dict:
        return shapes.claim(row, self.links)

    def last_modified_models(self) -> list[type]:
        return [Claim, Claimant]


@extend_schema(
    tags=["claims"],
    summary="Browse claims",
    description="Newest first by the chosen ordering. Merged claims are left out unless `include_merged=true`.",
    parameters=[
        *PAGE_PARAMS,
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            enum=list(CLAIM_ORDERINGS),
            description="updated (default): last change of any kind; claimed: when claimed; changed: state set.",
        ),
    ],
    responses=serializers.page_of(serializers.ClaimOutput, "ClaimPage"),
)
class ClaimListApi(_ClaimRowsMixin, KeysetListApi):
    @property
    def key_query_static(self) -> bool:
        # restrict() reads only `include_merged`; a search may be pinned to the ids it matches
        # now (selectors.claim_search_pinned), which a compiled query must not keep.
        return "q" not in self.request.query_params

    def get_keyset(self) -> Keyset:
        ordering = self.request.query_params.get("ordering") or "updated"
        if ordering not in CLAIM_ORDERINGS:
            raise ValidationError({"ordering": [f"One of: {', '.join(CLAIM_ORDERINGS)}."]})
        return CLAIM_ORDERINGS[ordering]

    def restrict(self, qs: QuerySet) -> QuerySet:
        if self.request.query_params.get("include_merged", "").lower() in ("true", "1", "yes"):
            return qs
        return qs.filter(merged_into__isnull=True)


class _FeedMixin:
    """Ascending feed up to the settled horizon; `next_cursor` always set, to poll with later."""

    since_param = "updated_since"
    time_field = "updated_at"
    request: Request

    def start_position(self, keyset: Keyset) -> list[Any] | None:
        cursor = self.request.query_params.get("cursor")
        if cursor:
            return position_from(keyset, cursor)
        since = self.request.query_params.get(self.since_param)
        if since is None:
            return None  # absent; an empty value is no date (a 400), as the schema's date-time says
        return [parse_aware(since, self.since_param), 0]  # inclusive: every id at that instant comes after id 0

    def restrict(self, qs: QuerySet) -> QuerySet:
        self.horizon = queries.sync_horizon()
        return qs.filter(**{f"{self.time_field}__lte": self.horizon})

    def extra(self, page: Page) -> dict:
        if not page.has_more:
            # Everything up to the horizon has been served and nothing older can still appear:
            # resume after it, so later polls skip what this one has already read.
            position = self.start_position(self.get_keyset())
            after = [self.horizon, MAX_ID]
            if position is not None and tuple(position) > tuple(after):
                after = position
            page.next_cursor = self.get_keyset().encode(after)
        return {"horizon": shapes.iso(self.horizon)}


@extend_schema(
    tags=["claims"],
    summary="Sync claims: everything once, then only what changed",
    description=(
        "Oldest change first, by (updated_at, id). Start with no parameters (or `updated_since`), follow "
        "`next` while `has_more`, keep `next_cursor` and poll with it later: every claim whose current "
        "version you have not seen comes back once, none is skipped while others write. Rows newer than "
        "`horizon` (a few seconds ago, and before any write still in flight) wait for a later poll."
    ),
    parameters=[
        *PAGE_PARAMS,
        OpenApiParameter(
            "updated_since", OpenApiTypes.DATETIME, description="Start at this time (inclusive) instead of the start."
        ),
    ],
    responses=serializers.page_of(serializers.ClaimOutput, "ClaimSyncPage", sync=True),
)
class ClaimSyncApi(_FeedMixin, _ClaimRowsMixin, KeysetListApi):
    keyset = CLAIM_SYNC


@extend_schema(
    tags=["claims"],
    summary="Status changes as they are recorded",
    description="The append-only history of every claim, oldest first by (recorded_at, id); same cursor contract as "
    "the claims sync feed (`recorded_since` to start at a time).",
    parameters=[
        *PAGE_PARAMS,
        OpenApiParameter("recorded_since", OpenApiTypes.DATETIME, description="Start at this time (inclusive)."),
    ],
    responses=serializers.page_of(serializers.StatusChangeOutput, "StatusChangePage", sync=True),
)
class StatusChangeListApi(_FeedMixin, KeysetListApi):
    keyset = STATUS_CHANGE_FEED
    since_param = "recorded_since"
    time_field = "recorded_at"
    filterset_class = StatusChangeFilter
    etag_fields = ("id", "recorded_at")

    def base_queryset(self) -> QuerySet:
        return StatusChange.objects.all()

    def decorate(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("changed_by").prefetch_related("evidence")

    def shape(self, row: Any) -> dict:
        return shapes.status_change(row)

    def last_modified_models(self) -> list[Any]:
        return [(StatusChange, "recorded_at")]


@extend_schema(
    tags=["claims"],
    summary="One claim with appearances by stance, evidence, relations and history",
    parameters=[
        OpenApiParameter(
            "as_of",
            OpenApiTypes.DATETIME,
            description="Also say which state was in force at this time (`status_as_of`).",
        )
    ],
    responses=serializers.ClaimDetailOutput,
)
class ClaimDetailApi(ApiView):
    conditional = True
    extra_error_codes = ("400",)

    def get(self, request: Request, pk: int) -> Response:
        as_of = self._as_of(request)
        found = queries.claim_validators(pk)
        if found is None:
            raise NotFound("No claim with this id.")
        fingerprint, latest = found
        validators = Validators(
            make_etag("claim", pk, fingerprint, as_of.isoformat() if as_of else ""), settled_last_modified(latest)
        )
        if (not_modified := self.conditional_response(validators)) is not None:
            return not_modified
        return validators.apply(Response(claim_detail(pk, self.links, as_of=as_of)))

    def _as_of(self, request: Request) -> datetime | None:
        raw = request.query_params.get("as_of")
        if raw is None:
            return None
        return parse_aware(raw, "as_of")


def claim_detail(pk: int, links: shapes.Links, *, as_of: datetime | None = None) -> dict:
    """The claim detail's body (also the answer to a write that changed the claim)."""
    claim = selectors.claim_get(pk=pk)
    if as_of is not None:
        claim.api_status_as_of = selectors.claim_status_as_of(claim=claim, when=as_of)
    return shapes.claim_detail(claim, queries.claim_row(pk), links)
