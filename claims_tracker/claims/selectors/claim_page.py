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

from django.db import connection
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from ..models import Appearance, Article, Claim, Claimant, ClaimRelation, Evidence, Outlet, StatusChange, Story
from .claim_sql import CLAIM_FROM, CLAIM_JOINS, SEARCH_COLUMNS, Joined, User, load_claim


@dataclass
class ClaimPage:
    """What the reader's claim page shows. Each change carries `cited`: the evidence it cites."""

    claim: Claim
    appearances: list[Appearance]  # earliest report first
    changes: list[StatusChange]  # newest first
    evidence: list[Evidence]
    stories: list[Story]
    relations: list[ClaimRelation]  # both directions, those from the claim first


# The claim as claim_list() joins it, and the claim it was merged into.
_JOINED = (*CLAIM_JOINS, Joined.of(Claim, "m", skip=SEARCH_COLUMNS))

# One query, written out rather than built by the ORM for every request: compiling the ORM's
# version of it (three ArraySubquery(JSONObject) annotations and four joins) took several times as
# long as PostgreSQL took to answer it. Stories, appearances and history come as `json` (which
# psycopg decodes), each in the page's order.
_CLAIM_PAGE_SQL = f"""
SELECT {", ".join(part.sql for part in _JOINED)},
  (SELECT coalesce(json_agg(json_build_object('id', cs.story_id, 'slug', s.slug, 'title', s.title)
                            ORDER BY s.started_on DESC NULLS LAST, s.title), '[]')
     FROM claims_claim_stories cs JOIN claims_story s ON s.id = cs.story_id
    WHERE cs.claim_id = c.id),
  (SELECT coalesce(json_agg(json_build_object(
            'id', a.id, 'stance', a.stance, 'quote', a.quote, 'is_paraphrase', a.is_paraphrase, 'mode', a.mode,
            'verb', a.verb, 'speaker_id', a.speaker_id, 'speaker_name', sp.name, 'speaker_slug', sp.slug,
            'speaker_kind', sp.kind, 'article_id', a.article_id, 'title', r.title, 'url', r.url,
            'canonical_url', r.canonical_url, 'published_at', r.published_at, 'outlet_id', r.outlet_id,
            'outlet_name', o.name, 'outlet_slug', o.slug, 'outlet_homepage', o.homepage)
            ORDER BY r.published_at ASC NULLS LAST, a.id), '[]')
     FROM claims_appearance a JOIN claims_article r ON r.id = a.article_id
     LEFT JOIN claims_claimant sp ON sp.id = a.speaker_id
     LEFT JOIN claims_outlet o ON o.id = r.outlet_id
    WHERE a.claim_id = c.id),
  (SELECT coalesce(json_agg(json_build_object(
            'id', h.id, 'from_status', h.from_status, 'to_status', h.to_status, 'rationale', h.rationale,
            'changed_at', h.changed_at, 'recorded_at', h.recorded_at, 'changed_by_id', h.changed_by_id,
            'username', hu.username, 'first_name', hu.first_name, 'last_name', hu.last_name,
            'cited', (SELECT json_agg(he.evidence_id) FROM claims_statuschange_evidence he
                       WHERE he.statuschange_id = h.id))
            ORDER BY h.changed_at DESC, h.id DESC), '[]')
     FROM claims_statuschange h LEFT JOIN auth_user hu ON hu.id = h.changed_by_id
    WHERE h.claim_id = c.id),
  EXISTS (SELECT 1 FROM claims_evidence e WHERE e.claim_id = c.id),
  EXISTS (SELECT 1 FROM claims_claimrelation cr WHERE cr.from_claim_id = c.id OR cr.to_claim_id = c.id)
FROM {CLAIM_FROM}
LEFT JOIN claims_claim m ON m.id = c.merged_into_id
WHERE c.id = %s
"""


def _claim_row(pk: int) -> tuple[Claim, list, list, list, bool, bool]:
    """The claim (claimant, affiliation, who set its state and the claim it was merged into
    attached, as select_related() attaches them), its stories', appearances' and changes' rows,
    and whether it has evidence and relations. Raises Claim.DoesNotExist."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_PAGE_SQL, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Claim.DoesNotExist("Claim matching query does not exist.")
    claim, (merged_into,), rest = load_claim(row, _JOINED)
    if merged_into is not None:
        claim.merged_into = merged_into
    story_rows, appearance_rows, change_rows, has_evidence, has_relations = rest
    return claim, story_rows, appearance_rows, change_rows, has_evidence, has_relations


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
        change.changed_by = User(
            pk=row["changed_by_id"], username=row["username"], first_name=row["first_name"], last_name=row["last_name"]
        )
    change.cited_ids = row["cited"] or []
    return change


def claim_page_get(*, pk: int) -> ClaimPage:
    """One claim with everything the reader's page shows: one query, plus one for its evidence and
    one for its relations when it has any. Raises Claim.DoesNotExist."""
    claim, story_rows, appearance_rows, change_rows, has_evidence, has_relations = _claim_row(pk)
    changes = [_change(row, claim) for row in change_rows]
    evidence = []
    if has_evidence:
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
    if has_relations:
        unread = [f"{side}__{f}" for side in ("from_claim", "to_claim") for f in ("search_vector", "search_document")]
        relations = sorted(
            ClaimRelation.objects.filter(Q(from_claim_id=pk) | Q(to_claim_id=pk))
            .select_related("from_claim__claimant", "to_claim__claimant")
            .defer(*unread),
            key=lambda r: (r.from_claim_id != pk, r.created_at, r.pk),
        )
    return ClaimPage(
        claim=claim,
        appearances=[_appearance(row, claim) for row in appearance_rows],
        changes=changes,
        evidence=evidence,
        stories=[Story(pk=row["id"], slug=row["slug"], title=row["title"]) for row in story_rows],
        relations=relations,
    )
