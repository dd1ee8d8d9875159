"""The reader's claim page in as few round trips as the page allows.

A claim page is read by anyone a link reaches, so each round trip to the database counts: on a
busy machine every one waits for a turn on the CPU. The claim's row brings its stories, its
appearances (with their articles, outlets and speakers) and its history (with the evidence each
change cites) as JSON, and says whether it has evidence or relations at all; those two are read
only when there are some. A claim with neither costs one query here, two with the most.

The JSON rows are turned back into unsaved model instances carrying just what the page reads, so
the templates and JSON-LD use the same attributes and methods as anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime

from ..models import Appearance, Article, Claim, Claimant, ClaimRelation, Evidence, Outlet, StatusChange, Story


@dataclass
class ClaimPage:
    """What the reader's claim page shows. Each change carries `cited`: the evidence it cites."""

    claim: Claim
    appearances: list[Appearance]  # earliest report first
    changes: list[StatusChange]  # newest first
    evidence: list[Evidence]
    stories: list[Story]
    relations: list[ClaimRelation]  # both directions, those from the claim first


def _rows():
    stories = (
        Claim.stories.through.objects.filter(claim_id=OuterRef("pk"))
        .order_by(F("story__started_on").desc(nulls_last=True), "story__title")
        .values(json=JSONObject(id="story_id", slug="story__slug", title="story__title"))
    )
    appearances = (
        Appearance.objects.filter(claim_id=OuterRef("pk"))
        .order_by(F("article__published_at").asc(nulls_last=True), "id")
        .values(
            json=JSONObject(
                id="id", stance="stance", quote="quote", is_paraphrase="is_paraphrase", mode="mode", verb="verb",
                speaker_id="speaker_id", speaker_name="speaker__name", speaker_slug="speaker__slug",
                speaker_kind="speaker__kind", article_id="article_id", title="article__title", url="article__url",
                canonical_url="article__canonical_url", published_at="article__published_at",
                outlet_id="article__outlet_id", outlet_name="article__outlet__name",
                outlet_slug="article__outlet__slug", outlet_homepage="article__outlet__homepage",
            )
        )
    )  # fmt: skip
    cited = StatusChange.evidence.through.objects.filter(statuschange_id=OuterRef("pk")).values("evidence_id")
    changes = (
        StatusChange.objects.filter(claim_id=OuterRef("pk"))
        .order_by("-changed_at", "-id")
        .values(
            json=JSONObject(
                id="id", from_status="from_status", to_status="to_status", rationale="rationale",
                changed_at="changed_at", recorded_at="recorded_at", changed_by_id="changed_by_id",
                username="changed_by__username", first_name="changed_by__first_name",
                last_name="changed_by__last_name", cited=ArraySubquery(cited),
            )
        )
    )  # fmt: skip
    return {
        "story_rows": ArraySubquery(stories),
        "appearance_rows": ArraySubquery(appearances),
        "change_rows": ArraySubquery(changes),
        "has_evidence": Exists(Evidence.objects.filter(claim_id=OuterRef("pk"))),
        "has_relations": Exists(
            ClaimRelation.objects.filter(Q(from_claim_id=OuterRef("pk")) | Q(to_claim_id=OuterRef("pk")))
        ),
    }


def _appearance(row: dict, claim: Claim) -> Appearance:
    article = Article(
        pk=row["article_id"],
        title=row["title"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        published_at=parse_datetime(row["published_at"]) if row["published_at"] else None,
        outlet_id=row["outlet_id"],
    )
    if row["outlet_id"] is not None:
        article.outlet = Outlet(
            pk=row["outlet_id"], name=row["outlet_name"], slug=row["outlet_slug"], homepage=row["outlet_homepage"]
        )
    appearance = Appearance(
        pk=row["id"],
        claim=claim,
        article=article,
        stance=row["stance"],
        quote=row["quote"],
        is_paraphrase=row["is_paraphrase"],
        mode=row["mode"],
        verb=row["verb"],
        speaker_id=row["speaker_id"],
    )
    if row["speaker_id"] is not None:
        appearance.speaker = Claimant(
            pk=row["speaker_id"], name=row["speaker_name"], slug=row["speaker_slug"], kind=row["speaker_kind"]
        )
    return appearance


def _change(row: dict, claim: Claim) -> StatusChange:
    change = StatusChange(
        pk=row["id"],
        claim=claim,
        from_status=row["from_status"],
        to_status=row["to_status"],
        rationale=row["rationale"],
        changed_at=parse_datetime(row["changed_at"]),
        recorded_at=parse_datetime(row["recorded_at"]),
        changed_by_id=row["changed_by_id"],
    )
    if row["changed_by_id"] is not None:
        change.changed_by = get_user_model()(
            pk=row["changed_by_id"], username=row["username"], first_name=row["first_name"], last_name=row["last_name"]
        )
    change.cited_ids = row["cited"] or []
    return change


def claim_page_get(*, pk: int) -> ClaimPage:
    """One claim with everything the reader's page shows: one query, plus one for its evidence and
    one for its relations when it has any. Raises Claim.DoesNotExist."""
    claim = (
        Claim.objects.select_related("claimant", "claimant__affiliation", "status_changed_by", "merged_into")
        .annotate(**_rows())
        .defer("search_vector", "search_document", "merged_into__search_vector", "merged_into__search_document")
        .get(pk=pk)
    )
    changes = [_change(row, claim) for row in claim.change_rows]
    evidence = []
    if claim.has_evidence:
        evidence = list(
            Evidence.objects.filter(claim_id=pk)
            .select_related("article", "added_by", "archive__record")
            .order_by("created_at", "id")
        )
    by_id = {e.pk: e for e in evidence}
    missing = {i for change in changes for i in change.cited_ids if i not in by_id}
    if missing:  # cited by this claim's history but moved since (a merge): read them too
        by_id.update(Evidence.objects.select_related("article").in_bulk(missing))
    for change in changes:
        change.cited = sorted((by_id[i] for i in change.cited_ids if i in by_id), key=lambda e: (e.created_at, e.pk))
    relations = []
    if claim.has_relations:
        unread = [f"{side}__{f}" for side in ("from_claim", "to_claim") for f in ("search_vector", "search_document")]
        relations = sorted(
            ClaimRelation.objects.filter(Q(from_claim_id=pk) | Q(to_claim_id=pk))
            .select_related("from_claim__claimant", "to_claim__claimant")
            .defer(*unread),
            key=lambda r: (r.from_claim_id != pk, r.created_at, r.pk),
        )
    return ClaimPage(
        claim=claim,
        appearances=[_appearance(row, claim) for row in claim.appearance_rows],
        changes=changes,
        evidence=evidence,
        stories=[Story(pk=row["id"], slug=row["slug"], title=row["title"]) for row in claim.story_rows],
        relations=relations,
    )
