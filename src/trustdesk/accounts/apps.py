from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trustdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from trustdesk.accounts import signals, token_cache
        from trustdesk.accounts.mfa import audit

        signals.connect()
        audit.connect()
        token_cache.connect()
