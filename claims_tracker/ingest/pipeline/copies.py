"""Copies of one report: the earlier article a text repeats, found by its MinHash bands (lib/neardup.py)."""

from __future__ import annotations

from typing import Any

from claims_tracker.claims.models import Article
from claims_tracker.lib import neardup

LOOKUP = 50  # articles sharing a band that are compared; a real copy shares most of its 32 bands


def copy_fields(text: str) -> dict[str, Any]:
    """The article's signature columns for this text (empty when it is too short to compare)."""
    values = neardup.signature(text)
    return {"minhash": values, "minhash_bands": neardup.bands(values)} if values else {}


def article_original(fields: dict[str, Any], *, exclude: int | None = None) -> Article | None:
    """The first article of the report this text repeats (following copy_of), or None. One or two queries.

    None too when the closest article has the very same text: the content-hash constraint merges that one.
    """
    values = fields.get("minhash")
    if not values:
        return None
    near = Article.objects.filter(minhash_bands__overlap=fields["minhash_bands"]).exclude(pk=exclude)
    near = near.only("pk", "minhash", "copy_of_id", "content_hash", "url").order_by("pk")[:LOOKUP]
    score, best = max(
        ((neardup.similarity(values, a.minhash), a) for a in near), key=lambda pair: pair[0], default=(0.0, None)
    )
    if best is None or score < neardup.NEAR or best.content_hash == fields.get("content_hash"):
        return None
    if best.copy_of_id is None:
        return best
    return Article.objects.only("pk", "url").filter(pk=best.copy_of_id).first() or best
