"""The admin site, which asks for the second factor too: an account with two-step login on opens the
admin only from a session that gave its code (the desk's verify page), never by password alone."""

from __future__ import annotations

from django.contrib import admin

from . import roles


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not roles.two_factor_pending(request.user)
