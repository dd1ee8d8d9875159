"""The gates in front of the editor pages (desk and feeds) and the reviewers' own (accounts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import roles


def editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous readers get the login page; signed-in users without the role get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if roles.two_factor_pending(request.user):
            return redirect_to_login(request.get_full_path(), reverse("accounts-two-factor-verify"))
        if not roles.is_editor(request.user):
            return render(request, "accounts/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def reviewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """As `editor_required`, for what only reviewers do: anyone else signed in gets a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if roles.two_factor_pending(request.user):
            return redirect_to_login(request.get_full_path(), reverse("accounts-two-factor-verify"))
        if not roles.is_reviewer(request.user):
            return render(request, "accounts/forbidden.html", {"reviewers_only": True}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
