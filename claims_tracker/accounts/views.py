"""Login, logout, password change and reset by email: Django's auth views with our templates.

Failed-login limiting is django-axes (settings AXES_*): it locks one username from one address,
and its middleware answers a locked-out request with `accounts/lockout.html`. Attempts per
address are limited apart from it (`LoginThrottle`), answered with the same page and a
Retry-After, without locking any account. The login form's error is the same whether the username
exists or not, and axes counts failures for unknown usernames too, so neither the message nor
the lockout tells an attacker which accounts exist.
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.urls import reverse_lazy

from claims_tracker.api.throttling import LoginThrottle

from . import two_factor


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # One message for unknown user, wrong password and inactive account alike.
        "invalid_login": "That username and password do not match an editor account. Check both and try again.",
        "inactive": "That username and password do not match an editor account. Check both and try again.",
        "otp": "This account uses two-step login: enter the current code from your authenticator app.",
    }
    otp_token = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=12,
        help_text="Only if you turned on two-step login: the code your authenticator app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not two_factor.passes(self.request, self.get_user(), cleaned.get("otp_token", "")):
            raise forms.ValidationError(self.error_messages["otp"], code="otp")
        return cleaned


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = LoginThrottle()
        if throttle.allow_request(request, self):
            return super().post(request, *args, **kwargs)
        wait = max(1, math.ceil(throttle.wait() or 1))
        context = {"per_address": True, "cooloff_timedelta": timedelta(seconds=wait)}
        response = render(request, "accounts/lockout.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are logged out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("desk-home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response


# "Forgot password": Django's four views as they are. The form answers the same whether or not the
# address belongs to an account, and the emailed link works once (Django's token covers the hash).
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts-password-reset-done")

    def form_valid(self, form):
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts-password-reset-complete")

    def form_valid(self, form):
        # A new password lifts the failed-login pauses on the name: the owner just proved who they are.
        axes_reset(username=form.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
