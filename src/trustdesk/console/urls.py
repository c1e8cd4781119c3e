from django.urls import path

from trustdesk.console.views import access, admin, audit, customers, reveal, tickets

app_name = "console"

urlpatterns = [
    path("", tickets.home, name="home"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/new/", tickets.ticket_new, name="ticket_new"),
    path("tickets/<int:ticket_id>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<int:ticket_id>/update/", tickets.ticket_update, name="ticket_update"),
    path("tickets/<int:ticket_id>/take/", tickets.ticket_take, name="ticket_take"),
    path("attachments/<int:attachment_id>/", tickets.attachment_download, name="attachment"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/<uuid:customer_id>/", customers.customer_detail, name="customer"),
    path("customers/<uuid:customer_id>/erase/", customers.customer_erase,
         name="customer_erase"),
    path("customers/<uuid:customer_id>/fields/<slug:field>/", reveal.field_masked,
         name="customer_field"),
    path("customers/<uuid:customer_id>/fields/<slug:field>/reveal/", reveal.field_reveal,
         name="customer_field_reveal"),
    path("security/alerts/", reveal.alert_list, name="alerts"),
    path("agents/", admin.agent_list, name="agents"),
    path("agents/new/", admin.agent_new, name="agent_new"),
    path("agents/<int:user_id>/", admin.agent_edit, name="agent_edit"),
    path("agents/<int:user_id>/unlock/", admin.agent_unlock, name="agent_unlock"),
    path("agents/<int:user_id>/end-sessions/", admin.agent_end_sessions,
         name="agent_end_sessions"),
    path("teams/new/", admin.team_new, name="team_new"),
    path("settings/tokens/", admin.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", admin.token_revoke, name="token_revoke"),
    path("datamap/", admin.datamap, name="datamap"),
    path("security/keys/", admin.keys, name="keys"),
    path("audit/", audit.audit, name="audit"),
    path("security/access-review/", access.access_review, name="access_review"),
    path("security/access-review/<int:user_id>/apply/", access.access_review_apply,
         name="access_review_apply"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
    path("audit/export/", audit.audit_export, name="audit_export"),
]
