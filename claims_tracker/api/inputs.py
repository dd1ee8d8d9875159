"""What clients send: one input serializer per write, and `valid()`, which checks a body against one
(a 400 in the API's error shape naming each field at fault)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from claims_tracker.claims.models import AppearanceMode, EvidenceKind, EvidenceStance, RelationKind, Stance, Status
from claims_tracker.lib.urls import web_url_validator

from .serializers import WEBHOOK_EVENTS

# A character that is not a space, and no NUL anywhere (PostgreSQL text cannot hold one; DRF refuses it).
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


class TextField(serializers.CharField):
    """Free text as clients send it: a JSON string, taken as typed. Every free-text input is one of these.

    DRF's CharField turns a number into text (`"description": 0` was stored as "0"), though the schema says
    string: a number, boolean, list or object is refused with a 400 naming the field. Input text is never
    trimmed before its checks (services strip what they store): DRF's default trims first, so a value the
    schema calls too long (by its spaces) was accepted, and "  " was refused as blank though the schema
    allowed it.
    """

    default_error_messages = {"not_a_string": "Send text (a JSON string), not {kind}."}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", kind=_json_kind(data))
        return super().to_internal_value(data)


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "a " + type(value).__name__


def text_field(**kwargs) -> TextField:
    """A text that may not be blank, as the schema says (`pattern`: a character that is not a space)."""
    blank = kwargs.pop("error_messages", {}).get("invalid", "This field may not be blank.")
    return TextField(validators=[RegexValidator(NOT_BLANK, message=blank)], **kwargs)


def valid(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ClaimCreateInput(serializers.Serializer):
    text = text_field(max_length=5000, help_text="The statement in neutral words.")
    claimant = serializers.SlugField(help_text="Slug of the claimant who made it.")
    claimed_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    stories = serializers.ListField(child=serializers.SlugField(), required=False, max_length=50)


class AppearanceAddInput(serializers.Serializer):
    article = serializers.IntegerField(min_value=1, help_text="Id of the article it appeared in.")
    speaker = serializers.SlugField(required=False, allow_null=True, help_text="Slug of the party speaking.")
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.ASSERTS)
    quote = TextField(required=False, allow_blank=True, max_length=10000, default="")
    is_paraphrase = serializers.BooleanField(required=False, default=False)
    mode = serializers.ChoiceField(choices=AppearanceMode.choices, default=AppearanceMode.STATEMENT)
    verb = TextField(required=False, allow_blank=True, max_length=50, default="")
    start_offset = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    end_offset = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)


class EvidenceAddInput(serializers.Serializer):
    stance = serializers.ChoiceField(choices=EvidenceStance.choices)
    summary = text_field(max_length=5000)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    url = serializers.URLField(
        required=False, allow_blank=True, max_length=2000, default="", validators=[web_url_validator]
    )
    article = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class StatusChangeInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    rationale = text_field(max_length=10000)
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The `version` you read; a stale one gets 409."
    )
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, default=list, max_length=100
    )
    changed_at = serializers.DateTimeField(required=False, help_text="When it happened; default now.")


class RelationAddInput(serializers.Serializer):
    to_claim = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    note = TextField(required=False, allow_blank=True, max_length=2000, default="")


class TokenCreateInput(serializers.Serializer):
    username = text_field(max_length=150)
    # A password is taken as typed: spaces are characters of it, so "   " is a (wrong) password, not a blank.
    password = TextField(min_length=1, max_length=4096, style={"input_type": "password"})
    otp_token = TextField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The current code, for an account with two-step login.",
    )


class SubscriptionCreateInput(serializers.Serializer):
    url = serializers.URLField(
        max_length=2000, validators=[web_url_validator], help_text="Your receiver (http/https, a public address)."
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=WEBHOOK_EVENTS), min_length=1, max_length=2)
    secret = TextField(
        required=False,
        allow_blank=True,
        min_length=16,
        max_length=200,
        help_text="Omit to get a generated one.",
    )
    description = TextField(required=False, allow_blank=True, max_length=200, default="")


class CandidateAcceptInput(serializers.Serializer):
    text = text_field(max_length=5000, help_text="The claim in neutral words.")
    claimant = serializers.SlugField(
        required=False, allow_null=True, help_text="Slug of who made it; omit and give `new_claimant_name` instead."
    )
    new_claimant_name = TextField(required=False, allow_blank=True, max_length=200, default="")
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.ASSERTS)
    quote = TextField(required=False, allow_blank=True, max_length=10000, default="")
    verb = TextField(required=False, allow_blank=True, max_length=50, default="")
    mode = serializers.ChoiceField(choices=AppearanceMode.choices, default=AppearanceMode.STATEMENT)
    stories = serializers.ListField(child=serializers.SlugField(), required=False, default=list, max_length=50)


class CandidateAttachInput(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Id of the existing claim.")
    speaker = serializers.SlugField(required=False, allow_null=True, help_text="Default: the matched claimant.")
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.ASSERTS)
    quote = TextField(required=False, allow_blank=True, max_length=10000, default="")
    verb = TextField(required=False, allow_blank=True, max_length=50, default="")
    mode = serializers.ChoiceField(choices=AppearanceMode.choices, default=AppearanceMode.STATEMENT)


class CandidateGroupAcceptInput(serializers.Serializer):
    text = text_field(max_length=5000, help_text="The claim in neutral words.")
    claimant = serializers.SlugField(
        required=False, allow_null=True, help_text="Slug of who made it; omit and give `new_claimant_name` instead."
    )
    new_claimant_name = TextField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=200, default=""
    )
    stories = serializers.ListField(child=serializers.SlugField(), required=False, default=list, max_length=50)


class CandidateGroupAttachInput(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Id of the existing claim.")


class CandidateRejectInput(serializers.Serializer):
    reason = text_field(max_length=500, help_text="Why it is not a claim.")
