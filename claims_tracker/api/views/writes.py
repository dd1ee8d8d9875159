"""Editors' writes, through the same services as the pages: same rules, same errors.

A ServiceError propagates to `errors.exception_handler`: 400 with the field at fault, 403 for
NotAllowed, 409 with `current_version` for StaleVersion.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.accounts import two_factor
from claims_tracker.claims import services
from claims_tracker.claims.models import Article, Claim, Claimant, Story

from .. import errors, inputs, serializers, shapes
from ..errors import LockedOut
from ..inputs import valid
from ..permissions import IsEditor
from ..throttling import LoginThrottle
from .base import ApiView
from .claims import claim_detail


def lookup(model: type[Model], field: str, **kwargs: Any) -> Any:
    """A referenced object, or a 404 naming the input (`errors.ReferenceNotFound`)."""
    obj = model.objects.filter(**kwargs).first()
    if obj is None:
        raise errors.ReferenceNotFound(field, f"No {model._meta.verbose_name} {next(iter(kwargs.values()))!r}.")
    return obj


class _ClaimWriteApi(ApiView):
    permission_classes = [IsEditor]
    extra_error_codes = ("400", "403", "404", "409")

    def get_claim(self, pk: int) -> Claim:
        claim = get_object_or_404(Claim, pk=pk)
        self.check_object_permissions(self.request, claim)
        return claim

    def claim_body(self, pk: int) -> dict:
        return claim_detail(pk, self.links)


@extend_schema(
    tags=["claims (editors)"],
    summary="Log a claim",
    request=inputs.ClaimCreateInput,
    responses={201: serializers.ClaimDetailOutput},
)
class ClaimCreateApi(_ClaimWriteApi):
    def post(self, request: Request) -> Response:
        data = valid(inputs.ClaimCreateInput, request)
        claimant = lookup(Claimant, "claimant", slug=data["claimant"])
        stories = [lookup(Story, "stories", slug=slug) for slug in data.get("stories", [])]
        claim = services.claim_create(
            text=data["text"],
            claimant=claimant,
            claimed_at=data.get("claimed_at"),
            stories=stories,
            created_by=request.user,
        )
        body = self.claim_body(claim.pk)
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


@extend_schema(
    tags=["claims (editors)"],
    summary="Record where the claim appeared and who took which side",
    request=inputs.AppearanceAddInput,
    responses={201: serializers.AppearanceOutput},
)
class ClaimAppearanceAddApi(_ClaimWriteApi):
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        data = valid(inputs.AppearanceAddInput, request)
        article = lookup(Article, "article", pk=data.pop("article"))
        speaker_slug = data.pop("speaker", None)
        speaker = lookup(Claimant, "speaker", slug=speaker_slug) if speaker_slug else None
        appearance = services.appearance_add(
            claim=claim, article=article, speaker=speaker, created_by=request.user, **data
        )
        return Response(shapes.appearance(appearance), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["claims (editors)"],
    summary="Add evidence that supports or contradicts the claim",
    request=inputs.EvidenceAddInput,
    responses={201: serializers.EvidenceOutput},
)
class ClaimEvidenceAddApi(_ClaimWriteApi):
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        data = valid(inputs.EvidenceAddInput, request)
        article_id = data.pop("article", None)
        article = lookup(Article, "article", pk=article_id) if article_id else None
        evidence = services.evidence_add(claim=claim, article=article, added_by=request.user, **data)
        return Response(shapes.evidence(evidence), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["claims (editors)"],
    summary="Change the claim's confirmation state",
    description="Send the `version` you read as `expected_version`. If someone changed the claim since, nothing is "
    "written and the answer is 409 with `error.current_version`. The rules are the pages': a rationale always, "
    "evidence for confirmed / partly confirmed / refuted / retracted, a reviewer where the newsroom requires one.",
    request=inputs.StatusChangeInput,
    responses={201: serializers.ClaimDetailOutput},
)
class ClaimStatusChangeApi(_ClaimWriteApi):
    extra_error_codes = ("400", "403", "404", "409")

    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        data = valid(inputs.StatusChangeInput, request)
        services.claim_change_status(
            claim_id=claim.pk,
            to_status=data["to_status"],
            rationale=data["rationale"],
            user=request.user,
            evidence_ids=data["evidence"],
            expected_version=data["expected_version"],
            changed_at=data.get("changed_at"),
        )
        return Response(self.claim_body(claim.pk), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["claims (editors)"],
    summary="Relate the claim to another (contradicts, supports, same as, follows up)",
    request=inputs.RelationAddInput,
    responses={201: serializers.RelationOutput},
)
class ClaimRelationAddApi(_ClaimWriteApi):
    def post(self, request: Request, pk: int) -> Response:
        claim = self.get_claim(pk)
        data = valid(inputs.RelationAddInput, request)
        other = lookup(Claim, "to_claim", pk=data["to_claim"])
        relation = services.claim_relate(
            from_claim=claim, to_claim=other, kind=data["kind"], note=data["note"], user=request.user
        )
        relation = (
            type(relation).objects.select_related("from_claim__claimant", "to_claim__claimant").get(pk=relation.pk)
        )
        direction = "out" if relation.from_claim_id == claim.pk else "in"
        body = shapes.relation(relation, relation.to_claim if direction == "out" else relation.from_claim, direction)
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["auth"],
    summary="Exchange a username and password for an API token",
    request=inputs.TokenCreateInput,
    responses={200: serializers.TokenOutput},
    auth=[],
    description=(
        "Failed attempts are counted per username and address: after too many, that pair is answered 429 "
        "(`locked_out`, with `Retry-After`) for a while; other addresses still log in. Attempts per address "
        "are limited as well (429 `throttled`)."
    ),
)
class AuthTokenCreateApi(ApiView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [*ApiView.throttle_classes, LoginThrottle]
    parser_classes = [errors.JSONParser, FormParser]  # a login form may post here too

    def post(self, request: Request) -> Response:
        data = valid(inputs.TokenCreateInput, request)
        # Through the auth backends, so django-axes counts failures and locks out guessing. Axes marks
        # the request it is given (this one, not Django's underneath), so its middleware leaves the
        # answer to us: the lockout in the API's JSON shape instead of axes' HTML page.
        user = authenticate(request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            # Locked: this username from this address. Every failure during the cool-off restarts it.
            raise LockedOut(wait=settings.AXES_COOLOFF_TIME * 3600)
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong username or password.")
        if not two_factor.passes(request, user, data.get("otp_token", "")):
            raise AuthenticationFailed(
                "This account uses two-step login: send `otp_token`, the current code from the authenticator app."
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"
