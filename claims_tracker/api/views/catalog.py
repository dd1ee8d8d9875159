"""Claimants (with track record), stories, articles and outlets: lists and details."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.claims.models import Article, Claim, Claimant, Outlet, Story

from .. import queries, serializers, shapes
from ..conditional import Validators, make_etag, settled_last_modified
from ..filters import ArticleFilter, ClaimantFilter, OutletFilter, StoryFilter
from ..pagination import Keyset
from .base import ApiView, KeysetListApi, field_value
from .claims import PAGE_PARAMS


class _DetailApi(ApiView):
    """GET one object by its lookup; ETag over `etag_fields`, 304 before serialising."""

    conditional = True
    model: type[Model]
    lookup = "slug"
    etag_fields: tuple[str, ...] = ("id", "updated_at")
    # Timestamps whose newest is Last-Modified (annotations count: a claimant's record moves
    # with its claims' states).
    time_fields: tuple[str, ...] = ("updated_at",)

    def get_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def shape(self, obj: Any) -> dict:
        raise NotImplementedError

    def get(self, request: Request, key: Any) -> Response:
        obj = get_object_or_404(self.get_queryset(), **{self.lookup: key})
        self.check_object_permissions(request, obj)
        fingerprint = tuple(field_value(obj, f) for f in self.etag_fields)
        times = [t for t in (field_value(obj, f) for f in self.time_fields) if t is not None]
        validators = Validators(make_etag(self.model.__name__, fingerprint), settled_last_modified(max(times)))
        if (not_modified := self.conditional_response(validators)) is not None:
            return not_modified
        return validators.apply(Response(self.shape(obj)))


# Claimants ---------------------------------------------------------------------------------

CLAIMANT_KEYS = ("id", "name", "updated_at", "claims_total", *queries.RECORD_FIELDS)


@extend_schema(
    tags=["claimants"],
    summary="Claimants with their track record",
    description="Track record counts claims in final states only (confirmed, partly confirmed, refuted, retracted).",
    parameters=PAGE_PARAMS,
    responses=serializers.page_of(serializers.ClaimantOutput, "ClaimantPage"),
)
class ClaimantListApi(KeysetListApi):
    keyset = Keyset("claimants", Claimant, ("name", "id"))
    filterset_class = ClaimantFilter
    etag_fields = CLAIMANT_KEYS

    def base_queryset(self) -> QuerySet:
        return queries.claimant_list_with_record()

    def decorate(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("affiliation").prefetch_related("aliases")

    def shape(self, row: Any) -> dict:
        return shapes.claimant(row, self.links)

    def last_modified_models(self) -> list[type]:
        return [Claimant, Claim]


@extend_schema(tags=["claimants"], summary="One claimant", responses=serializers.ClaimantOutput)
class ClaimantDetailApi(_DetailApi):
    model = Claimant
    etag_fields = (*CLAIMANT_KEYS, "claims_changed_at")
    time_fields = ("updated_at", "claims_changed_at")

    def get_queryset(self) -> QuerySet:
        return (
            queries.claimant_list_with_record()
            .annotate(claims_changed_at=queries.claims_changed_at("claimant"))
            .select_related("affiliation")
            .prefetch_related("aliases")
        )

    def shape(self, obj: Any) -> dict:
        return shapes.claimant(obj, self.links)


# Stories -----------------------------------------------------------------------------------


@extend_schema(
    tags=["stories"],
    summary="Stories, newest first",
    parameters=PAGE_PARAMS,
    responses=serializers.page_of(serializers.StoryOutput, "StoryPage"),
)
class StoryListApi(KeysetListApi):
    keyset = Keyset("stories", Story, ("id",), descending=True)
    filterset_class = StoryFilter
    etag_fields = ("id", "updated_at", "claims_total")

    def base_queryset(self) -> QuerySet:
        return queries.story_list()

    def shape(self, row: Any) -> dict:
        return shapes.story(row, self.links)

    def last_modified_models(self) -> list[type]:
        return [Story, Claim]


@extend_schema(tags=["stories"], summary="One story", responses=serializers.StoryOutput)
class StoryDetailApi(_DetailApi):
    model = Story
    etag_fields = ("id", "updated_at", "claims_total", "claims_changed_at")
    time_fields = ("updated_at", "claims_changed_at")

    def get_queryset(self) -> QuerySet:
        return queries.story_list().annotate(claims_changed_at=queries.claims_changed_at("stories"))

    def shape(self, obj: Any) -> dict:
        return shapes.story(obj, self.links)


# Articles ----------------------------------------------------------------------------------

ARTICLE_KEYS = ("id", "updated_at", "outlet__updated_at")


@extend_schema(
    tags=["articles"],
    summary="Articles (reports), newest added first",
    parameters=PAGE_PARAMS,
    responses=serializers.page_of(serializers.ArticleOutput, "ArticlePage"),
)
class ArticleListApi(KeysetListApi):
    keyset = Keyset("articles", Article, ("id",), descending=True)
    filterset_class = ArticleFilter
    etag_fields = ARTICLE_KEYS

    def base_queryset(self) -> QuerySet:
        return Article.objects.all()

    def decorate(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("outlet").defer("text", "summary", "claimreview", "last_error")

    def shape(self, row: Any) -> dict:
        return shapes.article(row, self.links)

    def last_modified_models(self) -> list[type]:
        return [Article, Outlet]


@extend_schema(tags=["articles"], summary="One article", responses=serializers.ArticleOutput)
class ArticleDetailApi(_DetailApi):
    model = Article
    lookup = "pk"
    etag_fields = ARTICLE_KEYS
    time_fields = ("updated_at", "outlet__updated_at")

    def get_queryset(self) -> QuerySet:
        return Article.objects.select_related("outlet").defer("text", "claimreview")

    def shape(self, obj: Any) -> dict:
        return shapes.article(obj, self.links)


# Outlets -----------------------------------------------------------------------------------


@extend_schema(
    tags=["outlets"],
    summary="Outlets, by name",
    parameters=PAGE_PARAMS,
    responses=serializers.page_of(serializers.OutletOutput, "OutletPage"),
)
class OutletListApi(KeysetListApi):
    keyset = Keyset("outlets", Outlet, ("name", "id"))
    filterset_class = OutletFilter
    etag_fields = ("id", "name", "updated_at")

    def base_queryset(self) -> QuerySet:
        return Outlet.objects.all()

    def shape(self, row: Any) -> dict:
        return shapes.outlet(row, self.links)

    def last_modified_models(self) -> list[type]:
        return [Outlet]


@extend_schema(tags=["outlets"], summary="One outlet", responses=serializers.OutletOutput)
class OutletDetailApi(_DetailApi):
    model = Outlet

    def shape(self, obj: Any) -> dict:
        return shapes.outlet(obj, self.links)
