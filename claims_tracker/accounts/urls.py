from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    path("logout/", views.LogoutView.as_view(), name="accounts-logout"),
    path("password/", views.PasswordChangeView.as_view(), name="accounts-password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="accounts-password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="accounts-password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="accounts-password-reset-complete"),
]
