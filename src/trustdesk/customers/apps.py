from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "trustdesk.customers"
    label = "customers"

    def ready(self) -> None:
        from trustdesk.vault import registry

        registry.register(registry.SealedColumn(
            model="customers.CustomerField", column="sealed",
            rows_of=lambda rows, subject: rows.filter(customer_id=subject.split(":", 1)[1]),
            purpose_of=lambda row: f"field:{row.name}", also_load=("name",),
        ))
        # A replaced email or phone, kept until its change notice is sent (``notices``).
        registry.register(registry.SealedColumn(
            model="customers.ContactNotice", column="sealed",
            rows_of=lambda rows, subject: rows.filter(customer_id=subject.split(":", 1)[1]),
            purpose_of=lambda row: f"contact_notice:{row.field}", also_load=("field",),
        ))
