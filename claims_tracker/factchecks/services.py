"""Fact-checks found: suggestions made from ClaimReviews (a fetched page's, a DataFeed's), matched to our claims as
candidates are, and an editor's one click that makes one Evidence and suggests the state change."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from claims_tracker.claims import services as claims
from claims_tracker.claims.models import Claim, EvidenceKind, EvidenceStance, Status
from claims_tracker.claims.services import ServiceError
from claims_tracker.ingest.claimreview import Review, reviews_in_page

from .models import FactCheck, FactCheckState

log = logging.getLogger(__name__)

MATCHES = 3
# Rating names where the value gives no scale: the usual words of the IFCN signatories' scales.
_FALSE_WORDS = ("false", "fake", "pants on fire", "incorrect", "wrong", "fabricated", "misleading", "untrue")
_MIXED_WORDS = ("half", "mixture", "mixed", "partly", "partially", "mostly")
_TRUE_WORDS = ("true", "correct", "accurate", "confirmed")


@dataclass(frozen=True)
class Verdict:
    status: str
    stance: str


def verdict_of(factcheck: FactCheck | Review) -> Verdict | None:
    """The state a review suggests and the stance of its evidence: by its value on its own scale, else its name."""
    score = Review(
        rating_value=factcheck.rating_value, best_rating=factcheck.best_rating, worst_rating=factcheck.worst_rating
    ).score()
    name = factcheck.rating_name.lower()
    if score is None and name:
        if any(word in name for word in _MIXED_WORDS):
            score = 0.25 if "false" in name else 0.5 if "half" in name or "mix" in name else 0.75
        elif any(word in name for word in _FALSE_WORDS):
            score = 0.0
        elif any(word in name for word in _TRUE_WORDS):
            score = 1.0
    if score is None:
        return None
    if score >= 0.75:
        return Verdict(Status.CONFIRMED, EvidenceStance.SUPPORTS)
    if score <= 0.25:
        return Verdict(Status.REFUTED, EvidenceStance.CONTRADICTS)
    return Verdict(Status.PARTLY_CONFIRMED, EvidenceStance.SUPPORTS if score >= 0.5 else EvidenceStance.CONTRADICTS)


def page_reviews(*, body: bytes, url: str) -> list[Review]:
    """The ClaimReviews a fetched page carries ([] for most pages). Never raises: a page not read is logged."""
    try:
        return reviews_in_page(body, url=url)
    except Exception:
        log.exception("reading the ClaimReviews of %s failed", url)
        return []


def without_junk(candidates: list, reviews: list[Review]) -> list:
    """A fact-check page's candidates less its furniture: the checker's own voice ("Fact-checkers reported",
    "PolitiFact reports:"), "Reports" as a speaker, and a date read as a statement ("Date: January 13, 2023,
    the ministry said"). The review itself becomes the suggestion. Other pages' candidates pass untouched."""
    if not reviews:
        return candidates
    voices = _JUNK_SPEAKERS | {_speaker(r.reviewer) for r in reviews if r.reviewer}
    return [c for c in candidates if _speaker(c.speaker_text) not in voices and not _date_only(c.statement)]


_JUNK_SPEAKERS = frozenset(
    {"reports", "report", "fact-checkers", "fact checkers", "factcheckers", "fact-checker", "fact checker"}
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_DATE_FILLER = frozenset("on of the st nd rd th utc gmt am pm".split())
_LABEL = re.compile(r"^[\w][\w ]{0,30}:\s*")


def _speaker(name: str) -> str:
    name = " ".join((name or "").lower().split())
    return name[4:] if name.startswith("the ") else name


def _date_only(statement: str) -> bool:
    words = re.findall(r"[^\W\d_]+", _LABEL.sub("", statement or "", count=1))
    return not [w for w in words if w.lower() not in _MONTHS and w.lower() not in _DATE_FILLER]


def factchecks_store(reviews: list[Review], *, article_id: int | None = None, feed_id: int | None = None) -> int:
    """One suggestion per review not seen before from this source; the number created."""
    created = 0
    source = f"article:{article_id}" if article_id else f"feed:{feed_id}"
    for review in reviews:
        if not (review.claim_reviewed or review.rating_name or review.rating_value):
            continue  # a ClaimReview with nothing to say
        key = hashlib.sha256(
            "\x1f".join((source, review.url, review.reviewer, review.claim_reviewed, review.rating_value)).encode()
        ).hexdigest()
        if FactCheck.objects.filter(key=key).exists():
            continue
        matches = _matches(review.claim_reviewed, review.reviewed_at)
        _, was_created = FactCheck.objects.get_or_create(
            key=key,
            defaults={
                "article_id": article_id,
                "feed_id": feed_id,
                "reviewer": review.reviewer[:300],
                "reviewer_url": _url(review.reviewer_url),
                "rating_name": review.rating_name[:200],
                "rating_value": review.rating_value[:50],
                "best_rating": review.best_rating[:50],
                "worst_rating": review.worst_rating[:50],
                "reviewed_at": review.reviewed_at,
                "claim_reviewed": review.claim_reviewed,
                "claim_author": review.claim_author[:300],
                "url": _url(review.url),
                "appearance_url": _url(review.appearance_url),
                "raw": review.raw,
                "claim_id": matches[0]["claim"] if matches else None,
                "matches": matches,
            },
        )
        created += int(was_created)
    return created


def _matches(text: str, when=None) -> list[dict]:
    """The claims the review may be about, best first, scored as a candidate's matches are (one fixed 0..1 formula)."""
    from claims_tracker.ingest.claim_matching import Probe, claim_matches

    found = claim_matches(Probe(text=text, quote=text, when=when), limit=MATCHES)
    return [{"claim": m.claim.pk, "score": round(float(m.score), 3)} for m in found]


def _url(value: str) -> str:
    value = (value or "").strip()
    return value[:2000] if value.lower().startswith(("http://", "https://")) else ""


@transaction.atomic
def factcheck_accept(
    *, factcheck_id: int, claim_id: int, stance: str = "", user=None
) -> tuple[FactCheck, Verdict | None]:
    """One click: the fact-check becomes Evidence on the claim (kind "other fact-check", the stance its rating
    gives unless one is chosen) and is marked accepted. Returns it and the state change it suggests."""
    factcheck = FactCheck.objects.select_for_update().filter(pk=factcheck_id).first()
    if factcheck is None:
        raise ServiceError("That fact-check is gone.", field="factcheck")
    if factcheck.state != FactCheckState.NEW:
        raise ServiceError(f"This fact-check was already {factcheck.get_state_display().lower()}.", field="factcheck")
    claim = Claim.objects.filter(pk=claim_id, merged_into__isnull=True).first()
    if claim is None:
        raise ServiceError("Choose one of our claims for this fact-check.", field="claim")
    verdict = verdict_of(factcheck)
    stance = stance or (verdict.stance if verdict else "")
    if stance not in EvidenceStance.values:
        raise ServiceError("The rating does not say; choose whether it supports or contradicts.", field="stance")
    url = factcheck.url or factcheck.appearance_url or (factcheck.article.url if factcheck.article_id else "")
    evidence = claims.evidence_add(
        claim=claim,
        stance=stance,
        summary=_summary(factcheck),
        kind=EvidenceKind.FACT_CHECK,
        url=url,
        article=factcheck.article if factcheck.article_id and not url else None,
        added_by=user,
    )
    FactCheck.objects.filter(pk=factcheck.pk).update(
        state=FactCheckState.ACCEPTED, claim=claim, evidence=evidence, decided_by=user, decided_at=timezone.now()
    )
    factcheck.refresh_from_db()
    return factcheck, verdict


def factcheck_dismiss(*, factcheck_id: int, user=None) -> None:
    updated = FactCheck.objects.filter(pk=factcheck_id, state=FactCheckState.NEW).update(
        state=FactCheckState.DISMISSED, decided_by=user, decided_at=timezone.now()
    )
    if not updated:
        raise ServiceError("That fact-check is gone or already decided.", field="factcheck")


def _summary(factcheck: FactCheck) -> str:
    who = factcheck.reviewer or "A fact-checker"
    rating = factcheck.rating_name or "a rating"
    scale = f" ({factcheck.scale})" if factcheck.scale else ""
    when = f" on {factcheck.reviewed_at:%d %b %Y}" if factcheck.reviewed_at else ""
    said = f", said by {factcheck.claim_author}" if factcheck.claim_author else ""
    return f"{who} rated “{factcheck.claim_reviewed or 'the claim'}”{said} as {rating}{scale}{when}."
