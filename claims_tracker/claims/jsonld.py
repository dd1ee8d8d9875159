"""schema.org JSON-LD for claims: a ClaimReview once there is a verdict, a plain Claim while open.

Shapes follow Google's fact-check markup (see shared/corpus/claimreview/): claimReviewed,
reviewRating with ratingValue/bestRating/worstRating/alternateName, itemReviewed Claim with
author, datePublished, appearance and firstAppearance, the newsroom as author, and url.

Both functions read only what `selectors.claim_get` (or `selectors.claim_list_for_jsonld`)
has already loaded: claimant + affiliation joined, appearances with article and outlet
prefetched. They issue no queries of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import Appearance, Article, Claim, Claimant, ClaimantKind, Status

# A claim "has a verdict" in the final states a track record counts. Unverified, disputed and
# unverifiable claims stay a plain Claim: nothing has been concluded about whether they hold.
REVIEW_RATINGS: dict[str, int] = {
    Status.REFUTED: 1,
    Status.RETRACTED: 2,
    Status.PARTLY_CONFIRMED: 3,
    Status.CONFIRMED: 5,
}
WORST_RATING = 1
BEST_RATING = 5
CONTEXT = "https://schema.org"


def has_verdict(claim: Claim) -> bool:
    return claim.status in REVIEW_RATINGS


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()


def _person_or_org(claimant: Claimant, base_url: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Person" if claimant.kind == ClaimantKind.PERSON else "Organization",
        "name": claimant.name,
        "url": _absolute(base_url, claimant.get_absolute_url()),
    }
    if claimant.role and claimant.kind == ClaimantKind.PERSON:
        node["jobTitle"] = claimant.role
    elif claimant.role:
        node["description"] = claimant.role
    affiliation = claimant.affiliation if claimant.affiliation_id else None
    if affiliation is not None:
        key = "affiliation" if claimant.kind == ClaimantKind.PERSON else "parentOrganization"
        node[key] = {"@type": "Organization", "name": affiliation.name}
    return node


def _creative_work(article: Article, base_url: str) -> dict[str, Any]:
    # Pasted text has no address of its own: point at our copy of it instead.
    node: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": article.link or _absolute(base_url, article.get_absolute_url()),
    }
    if article.title:
        node["headline"] = article.title
    if article.published_at:
        node["datePublished"] = _iso(article.published_at)
    if article.outlet_id and article.outlet is not None:
        node["publisher"] = {"@type": "Organization", "name": article.outlet.name}
        if article.outlet.homepage:
            node["publisher"]["url"] = article.outlet.homepage
    return node


def _appearances(claim: Claim, base_url: str, appearances: list[Appearance] | None) -> list[dict[str, Any]]:
    """One CreativeWork per article, earliest first (the prefetch orders by publication)."""
    seen: set[int] = set()
    articles: list[Article] = []
    for appearance in claim.appearances.all() if appearances is None else appearances:
        if appearance.article_id in seen:
            continue
        seen.add(appearance.article_id)
        articles.append(appearance.article)
    articles.sort(key=lambda a: (a.published_at is None, a.published_at or timezone.now(), a.pk))
    return [_creative_work(article, base_url) for article in articles]


def _claim_node(claim: Claim, base_url: str, appearances: list[Appearance] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Claim",
        "text": claim.text,
        "author": _person_or_org(claim.claimant, base_url),
        "datePublished": _iso(claim.claimed_at),
    }
    works = _appearances(claim, base_url, appearances)
    if works:
        node["appearance"] = works
        node["firstAppearance"] = works[0]
    return node


def _newsroom() -> dict[str, Any]:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL}


def claim_jsonld(claim: Claim, *, base_url: str, appearances: list[Appearance] | None = None) -> dict[str, Any]:
    """JSON-LD for one claim's page: ClaimReview with a verdict, else a plain Claim. `appearances`
    (with their articles) when the caller has them already, else the claim's prefetched ones."""
    url = _absolute(base_url, claim.get_absolute_url())
    item = _claim_node(claim, base_url, appearances)
    if not has_verdict(claim):
        return {"@context": CONTEXT, **item, "url": url, "creativeWorkStatus": Status(claim.status).label}
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": _iso(claim.status_changed_at),
        "author": _newsroom(),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": REVIEW_RATINGS[claim.status],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": Status(claim.status).label,
        },
    }


def claimreview_datafeed(claims: Iterable[Claim], *, base_url: str) -> dict[str, Any]:
    """A schema.org DataFeed of the ClaimReviews among `claims` (open claims are left out)."""
    elements = []
    for claim in claims:
        if not has_verdict(claim):
            continue
        review = claim_jsonld(claim, base_url=base_url)
        review.pop("@context", None)
        elements.append(review)
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": f"{settings.SITE_NAME}: ClaimReviews",
        "url": base_url.rstrip("/") + "/",
        "dateModified": _iso(timezone.now()),
        "dataFeedElement": elements,
    }
