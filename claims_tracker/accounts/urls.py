from django.urls import path

from . import two_factor, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    path("logout/", views.LogoutView.as_view(), name="accounts-logout"),
    path("password/", views.PasswordChangeView.as_view(), name="accounts-password-change"),
    path("two-factor/", two_factor.two_factor_setup, name="accounts-two-factor"),
    path("two-factor/verify/", two_factor.two_factor_verify, name="accounts-two-factor-verify"),
    path("password/reset/", views.PasswordResetView.as_view(), name="accounts-password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="accounts-password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="accounts-password-reset-complete"),
]
