"""Who may call what. Unauthenticated callers of a protected endpoint get 401 (the token
scheme is announced in WWW-Authenticate), authenticated callers without the role 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from claims_tracker.accounts import roles


class IsEditor(BasePermission):
    message = "Only editors and reviewers may do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and roles.is_editor(request.user))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        # Claims belong to the newsroom: any editor may work on any of them. Objects with an
        # owner (webhook subscriptions) are checked by IsOwner as well.
        return roles.is_editor(request.user)


class IsOwner(BasePermission):
    message = "This belongs to another user."

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return obj.owner_id == request.user.pk or request.user.is_superuser
