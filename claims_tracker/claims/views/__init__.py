"""Public, server-rendered reader pages, one module per page family."""

from .article import article_detail
from .claim import claim_card, claim_detail
from .errors import bad_request, page_not_found, server_error
from .indexes import claimant_index, story_index
from .lists import claim_list
from .pages import claimant_detail, outlet_detail, story_detail

__all__ = [
    "bad_request",
    "article_detail",
    "claim_card",
    "claim_detail",
    "claim_list",
    "claimant_index",
    "claimant_detail",
    "outlet_detail",
    "page_not_found",
    "server_error",
    "story_detail",
    "story_index",
]
