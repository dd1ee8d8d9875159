"""The gates in front of the editor pages (desk and feeds) and the reviewers' own (accounts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import roles


def _gate(allowed: Callable, context: dict | None = None):
    """A view decorator: the login page for anonymous users, the second factor for a session opened by
    password alone, a 403 for users `allowed` refuses; the view for the rest."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles.two_factor_pending(request.user):
                return redirect_to_login(request.get_full_path(), reverse("accounts-two-factor-verify"))
            if not allowed(request.user):
                return render(request, "accounts/forbidden.html", context or {}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Anonymous readers get the login page; signed-in users without the role get a 403.
editor_required = _gate(roles.is_editor)
# As `editor_required`, for what only reviewers do: anyone else signed in gets a 403.
reviewer_required = _gate(roles.is_reviewer, {"reviewers_only": True})
