"""Every write to the claims domain goes through here: pages, API, tasks, admin and demo alike.

Callers import the package (`from claims_tracker.claims import services`); the modules split it by
responsibility:

    common.py     ServiceError and its kinds, check_version (optimistic locking), unique_slug
    claimants.py  claimants (and their aliases), stories
    claims.py     claims, appearances, evidence, relations between claims
    statuses.py   the table of confirmation states and changes of a claim's state
    merge.py      merging a duplicate claim into another
    search.py     rebuilding the text search reads
"""

from .claimants import claimant_add_aliases, claimant_create, claimant_update, story_create
from .claims import appearance_add, claim_create, claim_relate, claim_update, evidence_add
from .common import (
    InvalidTransition,
    NotAllowed,
    ServiceError,
    StaleVersion,
    StateConflict,
    check_version,
    unique_slug,
)
from .merge import claim_merge
from .search import claim_refresh_search, claimant_refresh_search, search_alias_set
from .statuses import (
    TRANSITION_RULES,
    TransitionRule,
    claim_change_status,
    claim_check_status_change,
    evidence_problem,
)

__all__ = [
    "TRANSITION_RULES",
    "InvalidTransition",
    "NotAllowed",
    "ServiceError",
    "StaleVersion",
    "StateConflict",
    "TransitionRule",
    "appearance_add",
    "check_version",
    "claim_change_status",
    "claim_check_status_change",
    "claim_create",
    "claim_merge",
    "claim_refresh_search",
    "claim_relate",
    "claim_update",
    "claimant_add_aliases",
    "claimant_create",
    "claimant_refresh_search",
    "search_alias_set",
    "claimant_update",
    "evidence_add",
    "evidence_problem",
    "story_create",
    "unique_slug",
]
