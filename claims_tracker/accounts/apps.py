from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "claims_tracker.accounts"
    label = "accounts"


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (admin_site.AdminSite), as Django documents for a custom default site."""

    default = False  # Django's is its module's default; this module's is AccountsConfig
    default_site = "claims_tracker.accounts.admin_site.AdminSite"
