"""The API's JSON, built with plain dict code: one presenter per resource, used by every list,
detail, write answer and webhook payload. They touch only what the querysets in
`queries`/`selectors` have already loaded (no query per row). The output serializers in
`serializers` describe these shapes for the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.urls import reverse

from claims_tracker.claims.models import Stance, Status

LABELS = dict(Status.choices)


def iso(value: datetime | None) -> str | None:
    """ISO 8601, "Z" for UTC (`queries.IsoUtc` writes the same text in SQL)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Links:
    """Absolute addresses under one base (the request's scheme and host, or SITE_URL for webhooks),
    the claim URLs split before the id so that each row only appends its own."""

    base: str
    claim_api: str
    claim_page: str

    @classmethod
    def at(cls, base_url: str) -> Links:
        base = base_url.rstrip("/")
        api, page = reverse("api-claims-detail", args=[0]), reverse("claims-detail", args=[0])
        return cls(base, base + api[: api.rindex("0")], base + page[: page.rindex("0")])


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def claimant_ref(claimant: Any) -> dict | None:
    if claimant is None:
        return None
    return {"id": claimant.pk, "slug": claimant.slug, "name": claimant.name}


def claim(row: Mapping[str, Any], links: Links) -> dict:
    """The claim: the one shape of a claim in API lists, details, write answers and webhook
    payloads. `row` is one of `queries.claim_rows`."""
    pk = row["id"]
    return {
        "id": pk,
        "url": f"{links.claim_api}{pk}/",
        "page_url": f"{links.claim_page}{pk}/",
        "text": row["text"],
        "status": row["status"],
        "status_label": LABELS.get(row["status"], row["status"]),
        "status_changed_at": row["status_changed_at_iso"],
        "status_changed_by": row["status_changed_by__username"],
        "claimant": {"id": row["claimant_id"], "slug": row["claimant__slug"], "name": row["claimant__name"]},
        "claimed_at": row["claimed_at_iso"],
        "stories": row["story_slugs"],
        "version": row["version"],
        "merged_into": row["merged_into_id"],
        "created_at": row["created_at_iso"],
        "updated_at": row["updated_at_iso"],
    }


def article_ref(a: Any) -> dict:
    outlet = a.outlet if a.outlet_id else None
    return {
        "id": a.pk,
        "title": a.title,
        "url": a.canonical_url or a.url,
        "outlet": {"slug": outlet.slug, "name": outlet.name} if outlet else None,
        "published_at": iso(a.published_at),
        "language": a.language,
    }


def appearance(ap: Any) -> dict:
    return {
        "id": ap.pk,
        "stance": ap.stance,
        "speaker": claimant_ref(ap.speaker) if ap.speaker_id else None,
        "quote": ap.quote,
        "is_paraphrase": ap.is_paraphrase,
        "mode": ap.mode,
        "verb": ap.verb,
        "article": article_ref(ap.article),
    }


def evidence(e: Any) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "stance": e.stance,
        "summary": e.summary,
        "url": e.url or (e.article.link if e.article_id and e.article else ""),
        "article_id": e.article_id,
        "created_at": iso(e.created_at),
    }


def status_change(sc: Any) -> dict:
    return {
        "id": sc.pk,
        "claim_id": sc.claim_id,
        "from_status": sc.from_status,
        "to_status": sc.to_status,
        "to_status_label": LABELS.get(sc.to_status, sc.to_status),
        "rationale": sc.rationale,
        "evidence": sorted(e.pk for e in sc.evidence.all()),
        "changed_by": _user(sc.changed_by) if sc.changed_by_id else None,
        "changed_at": iso(sc.changed_at),
        "recorded_at": iso(sc.recorded_at),
    }


def relation(rel: Any, other: Any, direction: str) -> dict:
    return {
        "id": rel.pk,
        "kind": rel.kind,
        "direction": direction,
        "note": rel.note,
        "claim": {"id": other.pk, "text": other.text, "status": other.status, "claimant": other.claimant.name},
    }


def claim_detail(c: Any, row: Mapping[str, Any], links: Links) -> dict:
    """`claim` and everything about it: `c` from `selectors.claim_get` (its prefetches), `row`
    the same claim from `queries.claim_rows`."""
    data = claim(row, links)
    affiliation = c.claimant.affiliation if c.claimant.affiliation_id else None
    data["claimant"] = {**claimant_ref(c.claimant), "role": c.claimant.role, "affiliation": claimant_ref(affiliation)}
    data["story_list"] = [{"slug": s.slug, "title": s.title} for s in c.stories.all()]
    grouped: dict[str, list[dict]] = {stance: [] for stance in Stance.values}
    for ap in c.appearances.all():
        grouped.setdefault(ap.stance, []).append(appearance(ap))
    data["appearances"] = grouped
    data["evidence"] = [evidence(e) for e in c.evidence.all()]
    data["relations"] = [relation(r, r.to_claim, "out") for r in c.relations_out.all()] + [
        relation(r, r.from_claim, "in") for r in c.relations_in.all()
    ]
    data["history"] = [status_change(sc) for sc in c.status_changes.all()]
    if hasattr(c, "api_status_as_of"):
        data["status_as_of"] = status_change(c.api_status_as_of) if c.api_status_as_of else None
    data["claimreview_url"] = f"{links.claim_api}{c.pk}/claimreview"
    return data


def claimant(cl: Any, links: Links) -> dict:
    from .queries import track_record

    affiliation = cl.affiliation if cl.affiliation_id else None
    return {
        "id": cl.pk,
        "slug": cl.slug,
        "name": cl.name,
        "kind": cl.kind,
        "role": cl.role,
        "side": cl.side,
        "affiliation": claimant_ref(affiliation),
        "aliases": [a.alias for a in cl.aliases.all()],
        "claims_total": getattr(cl, "claims_total", 0),
        "track_record": track_record(cl),
        "page_url": links.base + cl.get_absolute_url(),
        "updated_at": iso(cl.updated_at),
    }


def story(s: Any, links: Links) -> dict:
    return {
        "id": s.pk,
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "place": s.place,
        "started_on": _d(s.started_on),
        "ended_on": _d(s.ended_on),
        "claims_total": getattr(s, "claims_total", 0),
        "page_url": links.base + s.get_absolute_url(),
        "updated_at": iso(s.updated_at),
    }


def article(a: Any, links: Links) -> dict:
    return {
        **article_ref(a),
        "byline": a.byline,
        "page_url": links.base + a.get_absolute_url(),
        "updated_at": iso(a.updated_at),
    }


def outlet(o: Any, links: Links) -> dict:
    return {
        "id": o.pk,
        "slug": o.slug,
        "name": o.name,
        "homepage": o.homepage,
        "kind": o.kind,
        "country": o.country,
        "page_url": links.base + o.get_absolute_url(),
        "updated_at": iso(o.updated_at),
    }


def candidate(c: Any, matches: list, links: Links) -> dict:
    """A candidate with its ranked matches (ingest.claim_matching.Match); `c` has its claimant loaded."""
    return {
        "id": c.pk,
        "article": c.article_id,
        "state": c.state,
        "sentence": c.sentence,
        "statement": c.statement,
        "quote": c.quote,
        "speaker_text": c.speaker_text,
        "claimant": claimant_ref(c.claimant) if c.claimant_id else None,
        "verb": c.verb,
        "stance": c.stance,
        "confidence": c.confidence,
        "claim": c.claim_id,
        "group": c.group_id,
        "matches": [
            {
                "claim": {
                    "id": m.claim.pk,
                    "url": f"{links.claim_api}{m.claim.pk}/",
                    "text": m.claim.text,
                    "status": m.claim.status,
                    "claimant": claimant_ref(m.claim.claimant),
                },
                "score": m.score,
                "reasons": [{"code": r.code, "label": r.label} for r in m.reasons],
            }
            for m in matches
        ],
    }
