from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "claims_tracker.accounts"
    label = "accounts"
