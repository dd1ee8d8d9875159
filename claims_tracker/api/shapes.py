"""Plain dict builders behind the output serializers: fast, and they touch only what the
querysets in `queries`/`selectors` have already loaded (no query per row).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from rest_framework.request import Request

from claims_tracker.claims.models import Stance, Status

_LABELS = dict(Status.choices)


def _dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def base(request: Request) -> str:
    """scheme://host of this request, computed once per request."""
    cached = getattr(request, "_api_base", None)
    if cached is None:
        cached = request.build_absolute_uri("/").rstrip("/")
        request._api_base = cached
    return cached


def _prefix(request: Request, name: str) -> str:
    """The URL of `name` for pk 0 split before the id, so rows only append their own id."""
    key = f"_api_prefix_{name}"
    cached = getattr(request, key, None)
    if cached is None:
        cached = base(request) + reverse(name, args=[0])[:-2]
        setattr(request, key, cached)
    return cached


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def claimant_ref(claimant: Any) -> dict | None:
    if claimant is None:
        return None
    return {"id": claimant.pk, "slug": claimant.slug, "name": claimant.name}


def claim(c: Any, request: Request) -> dict:
    return {
        "id": c.pk,
        "url": f"{_prefix(request, 'api-claims-detail')}{c.pk}/",
        "page_url": f"{_prefix(request, 'claims-detail')}{c.pk}/",
        "text": c.text,
        "status": c.status,
        "status_label": _LABELS.get(c.status, c.status),
        "status_changed_at": _dt(c.status_changed_at),
        "status_changed_by": _user(c.status_changed_by) if c.status_changed_by_id else None,
        "claimant": claimant_ref(c.claimant),
        "claimed_at": _dt(c.claimed_at),
        "stories": c.story_slugs if hasattr(c, "story_slugs") else [s.slug for s in c.stories.all()],
        "version": c.version,
        "merged_into": c.merged_into_id,
        "created_at": _dt(c.created_at),
        "updated_at": _dt(c.updated_at),
    }


def claim_values(row: dict, request: Request) -> dict:
    """`claim` from a `queries.claim_list_values` dict: the same output, key for key."""
    pk = row["id"]
    return {
        "id": pk,
        "url": f"{_prefix(request, 'api-claims-detail')}{pk}/",
        "page_url": f"{_prefix(request, 'claims-detail')}{pk}/",
        "text": row["text"],
        "status": row["status"],
        "status_label": _LABELS.get(row["status"], row["status"]),
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
        "published_at": _dt(a.published_at),
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
        "created_at": _dt(e.created_at),
    }


def status_change(sc: Any) -> dict:
    return {
        "id": sc.pk,
        "claim_id": sc.claim_id,
        "from_status": sc.from_status,
        "to_status": sc.to_status,
        "to_status_label": _LABELS.get(sc.to_status, sc.to_status),
        "rationale": sc.rationale,
        "evidence": sorted(e.pk for e in sc.evidence.all()),
        "changed_by": _user(sc.changed_by) if sc.changed_by_id else None,
        "changed_at": _dt(sc.changed_at),
        "recorded_at": _dt(sc.recorded_at),
    }


def _relation(rel: Any, other: Any, direction: str) -> dict:
    return {
        "id": rel.pk,
        "kind": rel.kind,
        "direction": direction,
        "note": rel.note,
        "claim": {"id": other.pk, "text": other.text, "status": other.status, "claimant": other.claimant.name},
    }


def claim_detail(c: Any, request: Request) -> dict:
    data = claim(c, request)
    affiliation = c.claimant.affiliation if c.claimant.affiliation_id else None
    data["claimant"] = {**claimant_ref(c.claimant), "role": c.claimant.role, "affiliation": claimant_ref(affiliation)}
    data["story_list"] = [{"slug": s.slug, "title": s.title} for s in c.stories.all()]
    grouped: dict[str, list[dict]] = {stance: [] for stance in Stance.values}
    for ap in c.appearances.all():
        grouped.setdefault(ap.stance, []).append(appearance(ap))
    data["appearances"] = grouped
    data["evidence"] = [evidence(e) for e in c.evidence.all()]
    data["relations"] = [_relation(r, r.to_claim, "out") for r in c.relations_out.all()] + [
        _relation(r, r.from_claim, "in") for r in c.relations_in.all()
    ]
    data["history"] = [status_change(sc) for sc in c.status_changes.all()]
    if hasattr(c, "api_status_as_of"):
        data["status_as_of"] = status_change(c.api_status_as_of) if c.api_status_as_of else None
    data["claimreview_url"] = f"{_prefix(request, 'api-claims-detail')}{c.pk}/claimreview"
    return data


def claimant(cl: Any, request: Request) -> dict:
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
        "page_url": base(request) + cl.get_absolute_url(),
        "updated_at": _dt(cl.updated_at),
    }


def story(s: Any, request: Request) -> dict:
    return {
        "id": s.pk,
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "place": s.place,
        "started_on": _d(s.started_on),
        "ended_on": _d(s.ended_on),
        "claims_total": getattr(s, "claims_total", 0),
        "page_url": base(request) + s.get_absolute_url(),
        "updated_at": _dt(s.updated_at),
    }


def article(a: Any, request: Request) -> dict:
    return {
        **article_ref(a),
        "byline": a.byline,
        "page_url": base(request) + a.get_absolute_url(),
        "updated_at": _dt(a.updated_at),
    }


def outlet(o: Any, request: Request) -> dict:
    return {
        "id": o.pk,
        "slug": o.slug,
        "name": o.name,
        "homepage": o.homepage,
        "kind": o.kind,
        "country": o.country,
        "page_url": base(request) + o.get_absolute_url(),
        "updated_at": _dt(o.updated_at),
    }
