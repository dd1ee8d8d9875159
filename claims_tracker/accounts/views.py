"""Login, logout and password change: Django's auth views with our templates and messages.

Failed-login limiting is django-axes (settings AXES_*): its middleware answers a locked-out
request with `accounts/lockout.html`. The login form's error is the same whether the username
exists or not, and axes counts failures for unknown usernames too, so neither the message nor
the lockout tells an attacker which accounts exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # One message for unknown user, wrong password and inactive account alike.
        "invalid_login": "That username and password do not match an editor account. Check both and try again.",
        "inactive": "That username and password do not match an editor account. Check both and try again.",
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
