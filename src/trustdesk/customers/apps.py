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
        # A privacy request's words, under the customer's key (``customers.requests``).
        registry.register(registry.SealedColumn(
            model="customers.DataRequest", column="details_sealed",
            rows_of=lambda rows, subject: rows.none()
            if not subject.startswith("customer:") else rows.filter(
                customer_id=subject.split(":", 1)[1], details_sealed__isnull=False),
            purpose_of=lambda row: "data_request"))
        # What someone wrote without signing in, under the link's own key until used.
        for column, purpose in (("address_sealed", "portal.address"),
                                ("subject_sealed", "portal.subject"),
                                ("body_sealed", "portal.body")):
            registry.register(registry.SealedColumn(
                model="customers.PortalLink", column=column,
                rows_of=lambda rows, subject, c=column: rows.none()
                if not subject.startswith("portal:") else rows.filter(
                    pk=subject.split(":", 1)[1], **{f"{c}__isnull": False}),
                purpose_of=lambda row, p=purpose: p))
