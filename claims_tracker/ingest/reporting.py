"""What ingestion found, as plain data: the `--json` output of ingest_url and ingest_file."""

from __future__ import annotations

from claims_tracker.claims.models import Article

from .models import Candidate


def article_as_json(article: Article) -> dict:
    """One article and its candidates; offsets index into `article.text` (a .txt file's text unchanged)."""
    candidates = Candidate.objects.filter(article=article).select_related("claimant").order_by("start_offset", "id")
    return {
        "article": {
            "id": article.pk,
            "state": article.ingest_state,
            "error": article.last_error,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "title": article.title,
            "outlet": article.outlet.name if article.outlet_id else None,
            "byline": article.byline,
            "published": article.published_at.isoformat() if article.published_at else None,
            "language": article.language,
            "text": article.text,
            "claimreview": article.claimreview or [],
        },
        "candidates": [
            {
                "speaker": c.speaker_text,
                "claimant": {"id": c.claimant_id, "name": c.claimant.name} if c.claimant_id else None,
                "statement": c.statement,
                "quote": c.quote,
                "sentence": c.sentence,
                "verb": c.verb,
                "stance": c.stance,
                "confidence": round(c.confidence, 3),
                "start": c.start_offset,
                "end": c.end_offset,
                "pieces": c.pieces,
                "direct": c.direct,
            }
            for c in candidates
        ],
    }
