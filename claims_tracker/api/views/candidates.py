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
from claims_tracker.desk import group_services, services
from claims_tracker.ingest.claim_matching import candidates_matches
from claims_tracker.ingest.models import Candidate, CandidateGroup, CandidateState

from .. import inputs, serializers, shapes
from ..inputs import valid
from ..permissions import IsEditor
from .base import ApiView
from .writes import lookup

MAX_CANDIDATES = 500  # of one article; the finder stops far below this
NEWEST = 50  # without an article or a group: the newest candidates, as the triage queue shows them


class CandidateListQuery(drf.Serializer):
    article = drf.IntegerField(min_value=1, max_value=2**62, required=False, help_text="The article's id.")
    group = drf.IntegerField(
        min_value=1, max_value=2**62, required=False, help_text="The group's id: its members, from every report."
    )
    state = drf.ChoiceField(choices=CandidateState.choices, required=False, help_text="Only this state.")


def _candidates():
    return Candidate.objects.select_related("claimant", "article").defer("article__text", "article__minhash")


def _shapes(view: ApiView, candidates) -> list[dict]:
    """Each candidate with its ranked matches (a triaged one has none), all matched in the same few queries."""
    candidates = list(candidates)
    new = [c for c in candidates if c.state == CandidateState.NEW]
    matches = dict(zip((c.pk for c in new), candidates_matches(new), strict=True))
    return [shapes.candidate(c, matches.get(c.pk, []), view.links) for c in candidates]


class _CandidateApi(ApiView):
    permission_classes = [IsEditor]
    extra_error_codes = ("400", "403", "404", "409")

    def get_candidate(self, pk: int) -> Candidate:
        return get_object_or_404(_candidates(), pk=pk)

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(_shapes(self, [self.get_candidate(pk)])[0], status=code)


@extend_schema(
    tags=["candidates (editors)"],
    summary="An article's candidates, or a group's, each with the existing claims it may restate",
    description="Each new candidate carries `matches`, best first: the claim, a score in 0..1 from one fixed "
    "formula (0.5 and up: very probably the same claim) and the reasons (same claimant, quote overlap, words "
    "in common, places), and its `group`: candidates from other reports restating the same statement "
    "(`?group=` lists them). With neither `article` nor `group`, the newest 50 candidates (in `state`, if "
    "given), newest first. One query per candidate. A copy of another report has no candidates of its own.",
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
        qs = _candidates()
        wanted = query.validated_data
        for name in ("article", "group", "state"):
            if name in wanted:
                qs = qs.filter(**{name: wanted[name]})
        if "article" in wanted or "group" in wanted:
            rows = qs.order_by("article_id", "start_offset", "id")[:MAX_CANDIDATES]
        else:
            rows = qs.order_by("-created_at", "-id")[:NEWEST]
        return Response({"results": _shapes(self, rows)})


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


class _GroupApi(ApiView):
    permission_classes = [IsEditor]
    extra_error_codes = ("400", "403", "404", "409")

    def get_group(self, pk: int) -> CandidateGroup:
        return get_object_or_404(CandidateGroup, pk=pk)

    def answer(self, pk: int) -> Response:
        rows = _candidates().filter(group_id=pk).order_by("article_id", "start_offset", "id")[:MAX_CANDIDATES]
        return Response({"results": _shapes(self, rows)}, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["candidates (editors)"],
    summary="Accept a group's untriaged candidates as one new claim",
    description="The first report's candidate becomes the claim; every other untriaged member is attached to "
    "it. Each becomes its own appearance, with its report's outlet and date and its own quote, verb and stance. "
    "All or nothing; the same rules and errors as the desk's group page. Answers the group's members.",
    request=inputs.CandidateGroupAcceptInput,
    responses={201: serializers.CandidateListOutput},
)
class CandidateGroupAcceptApi(_GroupApi):
    def post(self, request: Request, pk: int) -> Response:
        group = self.get_group(pk)
        data = valid(inputs.CandidateGroupAcceptInput, request)
        slug = data.pop("claimant", None)
        group_services.group_accept(
            group_id=group.pk,
            user=request.user,
            claimant=lookup(Claimant, "claimant", slug=slug) if slug else None,
            stories=[lookup(Story, "stories", slug=s) for s in data.pop("stories")],
            **data,
        )
        return self.answer(pk)


@extend_schema(
    tags=["candidates (editors)"],
    summary="Attach a group's untriaged candidates to an existing claim",
    description="Each untriaged member becomes one more appearance of the claim, with its own outlet, date, "
    "quote and stance. All or nothing. Answers the group's members.",
    request=inputs.CandidateGroupAttachInput,
    responses={201: serializers.CandidateListOutput},
)
class CandidateGroupAttachApi(_GroupApi):
    def post(self, request: Request, pk: int) -> Response:
        group = self.get_group(pk)
        data = valid(inputs.CandidateGroupAttachInput, request)
        group_services.group_attach(
            group_id=group.pk, claim=lookup(Claim, "claim", pk=data["claim"]), user=request.user
        )
        return self.answer(pk)
