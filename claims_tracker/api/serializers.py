"""The JSON we send, described for the schema (drf-spectacular reads these fields). The dicts
themselves are built by `shapes` with plain code, because a page of 100 claims through DRF's
generic field machinery costs more than the query behind it. What clients send: `inputs`.
"""

from __future__ import annotations

from rest_framework import serializers

from claims_tracker.claims.models import (
    AppearanceMode,
    ClaimantKind,
    EvidenceKind,
    EvidenceStance,
    OutletKind,
    RelationKind,
    Stance,
    Status,
)
from claims_tracker.ingest.models import CandidateState

# Output ----------------------------------------------------------------------------------


class ClaimantRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class OutletRefOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ClaimOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This claim in the API.")
    page_url = serializers.URLField(help_text="The claim's public page.")
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    status_changed_at = serializers.DateTimeField()
    status_changed_by = serializers.CharField(allow_null=True, help_text="Username of who set the state.")
    claimant = ClaimantRefOutput()
    claimed_at = serializers.DateTimeField()
    stories = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the stories.")
    version = serializers.IntegerField(help_text="Send it back as `expected_version` when changing the state.")
    merged_into = serializers.IntegerField(allow_null=True, help_text="Set when this claim was merged (same-as).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ArticleRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The report's address (empty for pasted text).")
    outlet = OutletRefOutput(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()


class AppearanceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stance = serializers.ChoiceField(choices=Stance.choices)
    speaker = ClaimantRefOutput(allow_null=True)
    quote = serializers.CharField()
    is_paraphrase = serializers.BooleanField()
    mode = serializers.ChoiceField(choices=AppearanceMode.choices)
    verb = serializers.CharField()
    article = ArticleRefOutput()


class AppearancesByStanceOutput(serializers.Serializer):
    asserts = AppearanceOutput(many=True)
    denies = AppearanceOutput(many=True)
    confirms = AppearanceOutput(many=True)
    disputes = AppearanceOutput(many=True)
    reports = AppearanceOutput(many=True)


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    stance = serializers.ChoiceField(choices=EvidenceStance.choices)
    summary = serializers.CharField()
    url = serializers.CharField()
    article_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class RelatedClaimOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    claimant = serializers.CharField()


class RelationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    direction = serializers.ChoiceField(choices=["out", "in"], help_text="out: this claim → other.")
    note = serializers.CharField()
    claim = RelatedClaimOutput()


class StatusChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    from_status = serializers.CharField(help_text="Empty for the first entry.")
    to_status = serializers.ChoiceField(choices=Status.choices)
    to_status_label = serializers.CharField()
    rationale = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the cited evidence.")
    changed_by = serializers.CharField(allow_null=True)
    changed_at = serializers.DateTimeField(help_text="When the change took effect in the world.")
    recorded_at = serializers.DateTimeField(help_text="When it was recorded here (the feed's order).")


class StoryRefOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class ClaimantDetailRefOutput(ClaimantRefOutput):
    role = serializers.CharField()
    affiliation = ClaimantRefOutput(allow_null=True)


class ClaimDetailOutput(ClaimOutput):
    claimant = ClaimantDetailRefOutput()
    story_list = StoryRefOutput(many=True)
    appearances = AppearancesByStanceOutput()
    evidence = EvidenceOutput(many=True)
    relations = RelationOutput(many=True)
    history = StatusChangeOutput(many=True, help_text="Newest first.")
    status_as_of = StatusChangeOutput(
        allow_null=True, required=False, help_text="With `as_of`: the change in force then (null: not yet claimed)."
    )
    claimreview_url = serializers.URLField()


class TrackRecordOutput(serializers.Serializer):
    confirmed = serializers.IntegerField()
    partly_confirmed = serializers.IntegerField()
    refuted = serializers.IntegerField()
    retracted = serializers.IntegerField()


class ClaimantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ClaimantKind.choices)
    role = serializers.CharField()
    side = serializers.CharField()
    affiliation = ClaimantRefOutput(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    claims_total = serializers.IntegerField(help_text="Claims logged (not merged).")
    track_record = TrackRecordOutput(help_text="Claims in final states only.")
    page_url = serializers.URLField()
    updated_at = serializers.DateTimeField()


class StoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    place = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    claims_total = serializers.IntegerField()
    page_url = serializers.URLField()
    updated_at = serializers.DateTimeField()


class ArticleOutput(ArticleRefOutput):
    byline = serializers.CharField()
    page_url = serializers.URLField()
    updated_at = serializers.DateTimeField()


class OutletOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    homepage = serializers.CharField()
    kind = serializers.ChoiceField(choices=OutletKind.choices)
    country = serializers.CharField()
    page_url = serializers.URLField()
    updated_at = serializers.DateTimeField()


class ClaimRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    claimant = ClaimantRefOutput()


class MatchReasonOutput(serializers.Serializer):
    code = serializers.ChoiceField(choices=["claimant", "organisation", "speaker", "quote", "words", "places", "date"])
    label = serializers.CharField()


class MatchOutput(serializers.Serializer):
    claim = ClaimRefOutput()
    score = serializers.FloatField(help_text="0..1, one fixed formula for every candidate: 0.5 and up is likely.")
    reasons = MatchReasonOutput(many=True)


class CandidateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField()
    state = serializers.ChoiceField(choices=CandidateState.choices)
    sentence = serializers.CharField()
    statement = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)
    speaker_text = serializers.CharField(allow_blank=True)
    claimant = ClaimantRefOutput(allow_null=True)
    verb = serializers.CharField(allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices)
    confidence = serializers.FloatField()
    claim = serializers.IntegerField(allow_null=True, help_text="The claim it became or was attached to.")
    group = serializers.IntegerField(
        allow_null=True, help_text="Its group: candidates from other reports restating the same statement."
    )
    matches = MatchOutput(many=True, help_text="Existing claims it may restate, best first (new candidates only).")


class CandidateListOutput(serializers.Serializer):
    results = CandidateOutput(many=True)


def page_of(item: type[serializers.Serializer], name: str, *, sync: bool = False) -> type[serializers.Serializer]:
    """The list envelope around `item`, for the schema."""
    fields: dict[str, serializers.Field] = {
        "results": item(many=True),
        "has_more": serializers.BooleanField(help_text="More rows follow now; fetch `next`."),
        "next_cursor": serializers.CharField(
            allow_null=not sync,
            help_text="Pass as `cursor` for the next page."
            + (" Always set: keep it and poll with it later." if sync else " Null on the last page."),
        ),
        "next": serializers.URLField(allow_null=True, help_text="The next page's full URL."),
    }
    if sync:
        fields["horizon"] = serializers.DateTimeField(help_text="Rows up to this time are final in this feed.")
    return type(name, (serializers.Serializer,), fields)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>".')


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, stale_version, ...")
    message = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    current_version = serializers.IntegerField(required=False, help_text="Only with code stale_version (409).")


class ErrorOutput(serializers.Serializer):
    error = ErrorDetailOutput()


# Webhooks --------------------------------------------------------------------------------

WEBHOOK_EVENTS = [("claim.created", "Claim created"), ("status.changed", "Status changed")]


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=WEBHOOK_EVENTS)
    event_id = serializers.CharField()
    state = serializers.ChoiceField(choices=["pending", "succeeded", "failed"])
    attempts = serializers.IntegerField()
    last_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class SubscriptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WEBHOOK_EVENTS))
    description = serializers.CharField()
    active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class SubscriptionCreatedOutput(SubscriptionOutput):
    secret = serializers.CharField(help_text="Shown this once: keep it to verify signatures.")


class SubscriptionDetailOutput(SubscriptionOutput):
    recent_deliveries = DeliveryOutput(many=True, help_text="The last 20.")
