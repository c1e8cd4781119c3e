from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class VaultConfig(AppConfig):
    name = "trustdesk.vault"
    label = "vault"

    def ready(self) -> None:
        # A wrong key provider or keystore must stop startup, not fail the first request.
        from trustdesk.vault import providers
        from trustdesk.vault.errors import VaultError

        try:
            providers.check_configuration()
        except VaultError as exc:
            raise ImproperlyConfigured(exc.detail or exc.message) from exc

        from trustdesk.vault import registry

        registry.register(registry.SealedColumn(
            model="vault.CardToken", column="sealed_pan",
            rows_of=lambda rows, subject: rows.filter(subject=subject),
            purpose_of=lambda row: f"card:{row.token}", also_load=("token",),
        ))

        from trustdesk.vault import tokens

        tokens.register_column()
