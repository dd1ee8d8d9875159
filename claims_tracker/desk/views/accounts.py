"""Reviewers' accounts page: the logins paused now (lift one); a new password for an editor, or their
two-step login turned off (a lost phone)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims_tracker.accounts import selectors, services
from claims_tracker.accounts.decorators import reviewer_required
from claims_tracker.claims.services import ServiceError
from claims_tracker.desk.forms.accounts import PauseLiftForm

from .base import apply_error


@require_GET
@reviewer_required
def account_list(request: HttpRequest) -> HttpResponse:
    context = {
        "pauses": selectors.paused_logins(),
        "accounts": selectors.account_list(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    return render(request, "desk/account_list.html", context)


@require_POST
@reviewer_required
def login_pause_lift(request: HttpRequest) -> HttpResponse:
    form = PauseLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("desk-account-list")
    username, address = form.cleaned_data["username"], form.cleaned_data["ip_address"]
    removed = services.login_pause_lift(username=username or None, ip_address=address or None, by=request.user)
    if removed:
        messages.success(request, f"{username or 'That name'} can log in from {address or 'any address'} again.")
    else:
        messages.info(request, "That pause had already ended; nothing to lift.")
    return redirect("desk-account-list")


@require_http_methods(["GET", "POST"])
@reviewer_required
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(selectors.account_list(), pk=pk)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_password(user=user, password=form.cleaned_data["new_password1"], by=request.user)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"{user.get_username()} has a new password; tell them by a safe channel.")
            return redirect("desk-account-list")
    return render(request, "desk/account_password.html", {"form": form, "account": user})


@require_POST
@reviewer_required
def account_two_factor_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(selectors.account_list(), pk=pk)
    try:
        services.two_factor_off(user=user, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Two-step login is off for {user.get_username()}; they can turn it on again.")
    return redirect("desk-account-list")
