"""schema.org JSON-LD: the claim page's markup, and the DataFeed that fact-check aggregators read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.claims import jsonld, selectors
from claims_tracker.claims.models import Claim, Claimant

from .. import queries
from ..conditional import Validators, make_etag, settled_last_modified
from .base import ApiView


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


JSONLD = OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org JSON-LD (ClaimReview, Claim or DataFeed).")


@extend_schema(
    tags=["claimreview"],
    summary="The claim page's JSON-LD: a ClaimReview once there is a verdict, else a Claim",
    responses={(200, "application/ld+json"): JSONLD, (200, "application/json"): JSONLD},
)
class ClaimClaimReviewApi(ApiView):
    conditional = True
    renderer_classes = [JsonLdRenderer, JSONRenderer]

    def get(self, request: Request, pk: int) -> Response:
        found = queries.claim_validators(pk)
        if found is None:
            raise NotFound("No claim with this id.")
        fingerprint, latest = found
        validators = Validators(make_etag("claimreview", pk, fingerprint), settled_last_modified(latest))
        if (not_modified := self.conditional_response(validators)) is not None:
            return not_modified
        claim = selectors.claim_get(pk=pk)
        return validators.apply(Response(jsonld.claim_jsonld(claim, base_url=request.build_absolute_uri("/"))))


@extend_schema(
    tags=["claimreview"],
    summary="DataFeed of every claim with a verdict (ClaimReview), for fact-check aggregators",
    responses={(200, "application/ld+json"): JSONLD, (200, "application/json"): JSONLD},
)
class ClaimReviewFeedApi(ApiView):
    conditional = True
    renderer_classes = [JsonLdRenderer, JSONRenderer]

    def get(self, request: Request) -> Response:
        latest, _, horizon = queries.latest_and_horizon([Claim, Claimant])
        verdicts = selectors.claim_list_for_jsonld(statuses=jsonld.REVIEW_RATINGS).order_by("status_changed_at", "id")
        # The feed's content moves with any claim's state or text: newest write + how many.
        validators = Validators(
            make_etag("claimreview-feed", latest, verdicts.count()), settled_last_modified(latest, horizon)
        )
        if (not_modified := self.conditional_response(validators)) is not None:
            return not_modified
        feed = jsonld.claimreview_datafeed(verdicts, base_url=request.build_absolute_uri("/"))
        return validators.apply(Response(feed))
