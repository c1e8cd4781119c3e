from django.apps import AppConfig


class MailGatewayConfig(AppConfig):
    name = "trustdesk.mailgateway"
    label = "mailgateway"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trustdesk.mailgateway import outbound, processing, references
        from trustdesk.mailgateway.sealing import register_columns

        register_columns()
        processing.connect()
        outbound.register_columns()
        references.register_columns()
        from trustdesk.tickets import hooks

        if outbound.queue_reply not in hooks.on_reply:
            hooks.on_reply.append(outbound.queue_reply)
        from trustdesk.mailgateway.surveys import queue_survey

        if queue_survey not in hooks.on_survey:
            hooks.on_survey.append(queue_survey)
