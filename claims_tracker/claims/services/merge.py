"""Merging a duplicate claim into another: what hangs off it moves over, both histories stay."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import Appearance, Claim, ClaimRelation, Evidence, RelationKind
from .common import ServiceError, check_version
from .search import claim_refresh_search


def claim_merge(*, source_id: int, target_id: int, user=None, expected_version: int | None = None) -> Claim:
    """Mark `source` as the same as `target`: its appearances, evidence and relations move over.

    Both histories stay: the source keeps its status history and now redirects to the target.
    """
    if source_id == target_id:
        raise ServiceError("A claim cannot be merged into itself.", field="target")
    with transaction.atomic():
        # Lock both rows in id order so two merges cannot deadlock.
        locked = {
            c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")
        }
        if len(locked) != 2:
            raise ServiceError("Both claims must exist.", field="target")
        source, target = locked[source_id], locked[target_id]
        check_version(source.version, expected_version, "claim")
        if source.merged_into_id:
            raise ServiceError("This claim was already merged.", field="target")
        if target.merged_into_id:
            raise ServiceError("The target claim was itself merged; merge into the claim it points to.", field="target")
        Appearance.objects.filter(claim=source).update(claim=target)
        Evidence.objects.filter(claim=source).update(claim=target)
        for relation in ClaimRelation.objects.filter(from_claim=source).exclude(to_claim=target):
            if not ClaimRelation.objects.filter(
                from_claim=target, to_claim=relation.to_claim, kind=relation.kind
            ).exists():
                ClaimRelation.objects.filter(pk=relation.pk).update(from_claim=target)
        for relation in ClaimRelation.objects.filter(to_claim=source).exclude(from_claim=target):
            if not ClaimRelation.objects.filter(
                from_claim=relation.from_claim, to_claim=target, kind=relation.kind
            ).exists():
                ClaimRelation.objects.filter(pk=relation.pk).update(to_claim=target)
        try:
            ClaimRelation.objects.get_or_create(
                from_claim=source, to_claim=target, kind=RelationKind.SAME_AS, defaults={"created_by": user}
            )
        except IntegrityError as exc:  # pragma: no cover - guarded by the checks above
            raise ServiceError("Could not record the merge.") from exc
        target.stories.add(*source.stories.all())
        source.merged_into = target
        source.version += 1
        source._history_user = user
        source.save(update_fields=["merged_into", "version", "updated_at"])
        target.version += 1
        target._history_user = user
        target.save(update_fields=["version", "updated_at"])
        claim_refresh_search(claim_id=target.pk)
    return target
