from django.urls import path

from trustdesk.portal import consents, exports, help, verify, views

app_name = "portal"

urlpatterns = [
    path("trust/", views.trust, name="trust"),
    path("help/", help.home, name="help"),
    path("help/link/<str:token>/", help.link, name="help_link"),
    path("help/confirm/<str:token>/", help.confirm, name="help_confirm"),
    path("help/signout/", help.signout, name="help_signout"),
    path("help/new/", help.new_ticket, name="help_new"),
    path("help/tickets/<int:ticket_id>/", help.ticket, name="help_ticket"),
    path("help/tickets/<int:ticket_id>/answer/", help.answer, name="help_answer"),
    path("help/data/", help.data, name="help_data"),
    path("help/consents/", consents.consents, name="help_consents"),
    path("help/requests/new/", help.request_new, name="help_request"),
    path("help/contact/", help.contact, name="help_contact"),
    path("help/export/<str:token>/", exports.export, name="help_export"),
    path("help/verify/", verify.verify, name="help_verify"),
    path("help/verify/answer/", verify.verify_answer, name="help_verify_answer"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
