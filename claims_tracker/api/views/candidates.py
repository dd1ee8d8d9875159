"""Triage for integrations: an article's candidates with their ranked matches, and the three decisions.

The decisions go through the desk's services (desk.services.candidate_accept / _attach / _reject): the same
rules and the same messages as the triage page, in the API's error shape (a candidate already triaged is a
409 that says so, and nothing is written).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.claims.models import Claim, Claimant, Story
from claims_tracker.desk import services
from claims_tracker.ingest.claim_matching import candidate_matches
from claims_tracker.ingest.models import Candidate, CandidateState

from .. import inputs, serializers, shapes
from ..inputs import valid
from ..permissions import IsEditor
from .base import ApiView
from .writes import lookup

MAX_CANDIDATES = 500  # of one article; the finder stops far below this


class CandidateListQuery(drf.Serializer):
    article = drf.IntegerField(min_value=1, max_value=2**62, help_text="The article's id.")
    state = drf.ChoiceField(choices=CandidateState.choices, required=False, help_text="Only this state.")


def _candidates():
    return Candidate.objects.select_related("claimant", "article").defer("article__text", "article__minhash")


def _shape(view: ApiView, candidate: Candidate) -> dict:
    matches = candidate_matches(candidate) if candidate.state == CandidateState.NEW else []
    return shapes.candidate(candidate, matches, view.links)


class _CandidateApi(ApiView):
    permission_classes = [IsEditor]
    extra_error_codes = ("400", "403", "404", "409")

    def get_candidate(self, pk: int) -> Candidate:
        return get_object_or_404(_candidates(), pk=pk)

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(_shape(self, self.get_candidate(pk)), status=code)


@extend_schema(
    tags=["candidates (editors)"],
    summary="An article's candidates, each with the existing claims it may restate",
    description="Each new candidate carries `matches`, best first: the claim, a score in 0..1 from one fixed "
    "formula (0.5 and up: very probably the same claim) and the reasons (same claimant, quote overlap, words "
    "in common, places). One query per candidate. A copy of another report has no candidates of its own.",
    parameters=[CandidateListQuery],  # the schema states the query's bounds as the view checks them
    responses=serializers.CandidateListOutput,
)
class CandidateListApi(_CandidateApi):
    extra_error_codes = ("400", "403")

    def get(self, request: Request) -> Response:
        # A plain dict, not the QueryDict: DRF reads a blank optional value of a form as absent, and `?state=`
        # is not a state.
        query = CandidateListQuery(data=request.query_params.dict())
        if not query.is_valid():
            raise ValidationError(query.errors)
        qs = _candidates().filter(article_id=query.validated_data["article"])
        if "state" in query.validated_data:
            qs = qs.filter(state=query.validated_data["state"])
        rows = qs.order_by("start_offset", "id")[:MAX_CANDIDATES]
        return Response({"results": [_shape(self, c) for c in rows]})


@extend_schema(
    tags=["candidates (editors)"],
    summary="Accept the candidate as a new claim",
    request=inputs.CandidateAcceptInput,
    responses={201: serializers.CandidateOutput},
)
class CandidateAcceptApi(_CandidateApi):
    def post(self, request: Request, pk: int) -> Response:
        candidate = self.get_candidate(pk)
        data = valid(inputs.CandidateAcceptInput, request)
        slug = data.pop("claimant", None)
        services.candidate_accept(
            candidate_id=candidate.pk,
            user=request.user,
            claimant=lookup(Claimant, "claimant", slug=slug) if slug else None,
            stories=[lookup(Story, "stories", slug=s) for s in data.pop("stories")],
            **data,
        )
        return self.answer(pk, status.HTTP_201_CREATED)


@extend_schema(
    tags=["candidates (editors)"],
    summary="Attach the candidate to an existing claim, as one more appearance",
    request=inputs.CandidateAttachInput,
    responses={201: serializers.CandidateOutput},
)
class CandidateAttachApi(_CandidateApi):
    def post(self, request: Request, pk: int) -> Response:
        candidate = self.get_candidate(pk)
        data = valid(inputs.CandidateAttachInput, request)
        slug = data.pop("speaker", None)
        services.candidate_attach(
            candidate_id=candidate.pk,
            user=request.user,
            claim=lookup(Claim, "claim", pk=data.pop("claim")),
            speaker=lookup(Claimant, "speaker", slug=slug) if slug else None,
            **data,
        )
        return self.answer(pk, status.HTTP_201_CREATED)


@extend_schema(
    tags=["candidates (editors)"],
    summary="Reject the candidate, saying why",
    request=inputs.CandidateRejectInput,
    responses={200: serializers.CandidateOutput},
)
class CandidateRejectApi(_CandidateApi):
    def post(self, request: Request, pk: int) -> Response:
        candidate = self.get_candidate(pk)
        data = valid(inputs.CandidateRejectInput, request)
        services.candidate_reject(candidate_id=candidate.pk, user=request.user, reason=data["reason"])
        return self.answer(pk)
