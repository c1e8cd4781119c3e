import pytest

from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import selectors, services
from trustdesk.tickets.attachments import NewAttachment, safe_filename
from trustdesk.tickets.errors import AttachmentTooLarge, TicketClosed
from trustdesk.tickets.models import Attachment


@pytest.mark.django_db
def test_reply_moves_ticket_to_pending_and_assigns_replier(make_user, as_actor, make_ticket):
    agent = make_user("agent")
    ticket = make_ticket()
    services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk, body="On its way!")
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.assignee_id == agent.pk


@pytest.mark.django_db
def test_note_leaves_status_alone(make_user, as_actor, make_ticket):
    ticket = make_ticket()
    services.ticket_reply(actor=as_actor(make_user("agent")), ticket_id=ticket.pk,
                          body="checking the courier", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.assignee_id is None


@pytest.mark.django_db
def test_customer_message_reopens_solved_ticket(system, make_ticket):
    ticket = make_ticket()
    services.ticket_update(actor=system, ticket_id=ticket.pk, status="solved")
    services.ticket_add_inbound(actor=system, ticket_id=ticket.pk, body="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.solved_at is None


@pytest.mark.django_db
def test_closed_is_final(system, make_ticket):
    ticket = make_ticket()
    services.ticket_update(actor=system, ticket_id=ticket.pk, status="closed")
    with pytest.raises(TicketClosed):
        services.ticket_reply(actor=system, ticket_id=ticket.pk, body="hello?")
    with pytest.raises(TicketClosed):
        services.ticket_update(actor=system, ticket_id=ticket.pk, status="open")


@pytest.mark.django_db
def test_agents_see_their_teams_tickets_only(make_user, make_team, as_actor, make_ticket):
    billing, tech = make_team("Billing"), make_team("Tech")
    agent = as_actor(make_user("agent", teams=[billing]))
    mine, unrouted, other = make_ticket(team=billing), make_ticket(), make_ticket(team=tech)
    ids = {row.ticket.pk for row in selectors.ticket_list(actor=agent).items}
    assert ids == {mine.pk, unrouted.pk}
    with pytest.raises(NotFound):
        selectors.ticket_get(actor=agent, ticket_id=other.pk)
    with pytest.raises(NotFound):
        services.ticket_reply(actor=agent, ticket_id=other.pk, body="sneaky")
    supervisor = as_actor(make_user("supervisor"))
    assert selectors.ticket_get(actor=supervisor, ticket_id=other.pk).ticket.pk == other.pk


@pytest.mark.django_db
def test_assignment_rules(make_user, as_actor, make_ticket):
    agent, colleague = make_user("agent"), make_user("agent")
    ticket = make_ticket()
    services.ticket_update(actor=as_actor(agent), ticket_id=ticket.pk, assignee_id=agent.pk)
    with pytest.raises(PermissionDenied):
        services.ticket_update(actor=as_actor(agent), ticket_id=ticket.pk,
                               assignee_id=colleague.pk)
    supervisor = as_actor(make_user("supervisor"))
    services.ticket_update(actor=supervisor, ticket_id=ticket.pk, assignee_id=colleague.pk)
    with pytest.raises(ValidationError):  # auditors cannot work tickets
        services.ticket_update(actor=supervisor, ticket_id=ticket.pk,
                               assignee_id=make_user("auditor").pk)


@pytest.mark.django_db
def test_attachments_are_checked_and_kept_out_of_listings(system, make_ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(AttachmentTooLarge):
        make_ticket(attachments=[NewAttachment("big.bin", "application/pdf", b"x" * 11)])
    ticket = make_ticket(attachments=[NewAttachment("../../etc/passwd", "text/x<script>",
                                                    b"root:x")])
    stored = Attachment.objects.get(message__ticket=ticket)
    assert stored.content_type == "application/octet-stream"
    detail = selectors.ticket_get(actor=system, ticket_id=ticket.pk)
    listed = detail.messages[0].attachment_list[0]
    assert listed.filename == "passwd"
    assert "data" in listed.get_deferred_fields()
    assert selectors.attachment_get(actor=system, attachment_id=stored.pk).content == b"root:x"


@pytest.mark.parametrize(("raw", "safe"), [
    ("C:\\Users\\x\\report.pdf", "report.pdf"), ("..", "attachment"),
    ("a\x00b\nc.txt", "abc.txt"), ("  .hidden ", "hidden"),
])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.django_db
def test_bad_filters_are_validation_errors(system):
    for filters in (selectors.TicketFilters(status="weird"),
                    selectors.TicketFilters(order="random"),
                    selectors.TicketFilters(assignee="bob")):
        with pytest.raises(ValidationError):
            selectors.ticket_list(actor=system, filters=filters)
