"""Two-step login: an editor may add a TOTP authenticator app (django-otp) to their account.

With one, a password alone no longer makes an editor: the login form and the API's token endpoint
ask for the app's current code, and a session opened by password only (the admin's login page, a
session from before) is sent to the verify page before any desk page (`roles.two_factor_pending`).
A wrong code counts as a failed login for django-axes, like a wrong password.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims_tracker.desk.views.base import next_url

from . import roles, services
from .decorators import editor_required


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def passes(request: HttpRequest, user, code: str) -> bool:
    """True if the account has no second factor, or `code` is its current one (then the session
    records the device at login). A wrong code counts as a failed login."""
    if user is None or not user_has_device(user):
        return True
    device = services.two_factor_check(user=user, code=(code or "").strip())
    if device is None:
        if code:
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        return False
    user.otp_device = device  # django_otp.login runs on Django's user_logged_in signal
    return True


@require_http_methods(["GET", "POST"])
@editor_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user, action = request.user, request.POST.get("action", "")
    form = CodeForm(request.POST if action in ("confirm", "off") else None)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if action == "begin" and not user_has_device(user):
        pending = services.two_factor_begin(user=user)
    elif action == "confirm" and form.is_valid():
        device = services.two_factor_confirm(user=user, code=form.cleaned_data["otp_token"].strip())
        if device is not None:
            otp_login(request, device)
            messages.success(request, "Two-step login is on. From now on, logging in asks for the app's code.")
            return redirect("accounts-two-factor")
        form.add_error(
            "otp_token", "That code does not match. Check the app shows this account, and try the next code."
        )
    elif action == "off" and form.is_valid():
        if services.two_factor_check(user=user, code=form.cleaned_data["otp_token"].strip()):
            services.two_factor_off(user=user, by=user)
            messages.success(request, "Two-step login is off.")
            return redirect("accounts-two-factor")
        form.add_error("otp_token", "That code does not match the app's current one.")
    context = {"form": form, "enabled": user_has_device(user), "setup": None}
    if pending is not None and action in ("begin", "confirm") and not context["enabled"]:
        context["setup"] = {
            "qr": segno.make(pending.config_url, error="m").svg_inline(scale=4, border=2),
            "key": b32encode(pending.bin_key).decode(),
        }
    return render(request, "accounts/two_factor.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step for a session opened by password alone."""
    target = next_url(request, reverse("desk-home"))
    if not roles.two_factor_pending(request.user):
        return redirect(target)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if passes(request, request.user, form.cleaned_data["otp_token"]):
            otp_login(request, request.user.otp_device)
            return redirect(target)
        form.add_error("otp_token", "That code does not match the app's current one.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": target})
