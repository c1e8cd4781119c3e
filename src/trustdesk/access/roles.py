"""Roles and the named permissions each one holds.

A role gets only what its job needs (least privilege). Note what is *not* here: an admin
manages agents and teams but does not reply to customers; auditors only read.
"""

from __future__ import annotations

AGENT = "agent"
SENIOR_AGENT = "senior_agent"
SUPERVISOR = "supervisor"
BILLING = "billing"
ADMIN = "admin"
SECURITY_OFFICER = "security_officer"
PRIVACY_OFFICER = "privacy_officer"
AUDITOR = "auditor"

ROLE_LABELS = {
    AGENT: "Agent",
    SENIOR_AGENT: "Senior agent",
    SUPERVISOR: "Supervisor",
    BILLING: "Billing",
    ADMIN: "Admin",
    SECURITY_OFFICER: "Security officer",
    PRIVACY_OFFICER: "Privacy officer",
    AUDITOR: "Auditor",
}
ROLE_CHOICES = tuple(ROLE_LABELS.items())
PRIVILEGED_ROLES = frozenset({ADMIN, SUPERVISOR, SECURITY_OFFICER, PRIVACY_OFFICER})
# Agents work one customer at a time, through a ticket; roles that oversee or handle
# money work across customers and are limited by the field policy alone.
NEED_TO_KNOW_ROLES = frozenset({AGENT, SENIOR_AGENT})

PERMISSIONS = {
    "ticket.view": "See tickets in one's own queue (assigned to oneself, one's teams, or no team)",
    "ticket.view_all": "See every ticket",
    "ticket.create": "Open tickets on a customer's behalf",
    "ticket.reply": "Reply to customers and add internal notes",
    "ticket.update": "Change status and priority, take a ticket",
    "ticket.assign": "Assign tickets to other agents and teams",
    "customer.view": "See customer profiles",
    "customer.create": "Create customer profiles",
    "customer.update": "Change customer profiles",
    "customer.erase": "Erase a customer: destroy their key and with it all their data",
    "customer.reveal": "Reveal a masked customer field, one at a time, with a reason",
    "customer.verify": "Verify a caller: a code to a channel on file, a signed link, or a "
                       "question from the company's records",
    "alert.read": "See access alerts (break-glass reveals of customer data)",
    "agent.view": "See the list of agents and teams",
    "agent.manage": "Create, change and disable agents",
    "team.manage": "Create and change teams",
    "audit.read": "Read the audit trail",
    "access.review": "Review who holds which permissions against what they use",
    "role.manage": "Change which permissions each role holds",
    "keys.view": "See the state of encryption keys and when rotation is due",
    "datamap.read": "Read the data inventory",
    "jobs.view": "See background jobs: queued, running, failed, and their progress",
    "jobs.manage": "Retry a failed background job from the dead-letter list",
    "keys.rotate": "Start a rotation of the encryption keys",
    "mail.view": "See the mail gateway: the suspended queue and its verdicts, the lists, "
                 "the support addresses",
    "mail.release": "Release or delete mail in the suspended queue",
    "mail.configure": "Change the gateway's allow and deny lists and the support addresses",
    "privacy_request.view": "See the privacy requests customers filed in the portal "
                            "(copy, correction, erasure, restriction, objection), each "
                            "with its timeline",
    "privacy_request.file": "File a privacy request on a customer's behalf (a request "
                            "made by phone or mail), and confirm the identity of a "
                            "requester verified on the line",
    "privacy_request.manage": "Extend a privacy request's deadline, pause it for the "
                              "requester's identity, resume and close it; carry it out "
                              "or refuse it under an exemption; lift a restriction",
    "retention.view": "See what retention would delete (counts, never values), its runs "
                      "and the legal holds",
    "retention.run": "Approve a retention run: delete what its preview counted",
    "legal_hold.manage": "Set and release legal holds, which pause retention",
    "channel.manage": "Add, change and remove the official channels published on the "
                      "trust page",
    "consent.view": "See a customer's consents and objections: what for, when, how",
    "consent.manage": "Record consent a customer gave or withdrew, or their objection, "
                      "on their behalf (told by phone, email or letter)",
    "processing_record.view": "Read and export the record of processing activities "
                              "(GDPR Art. 30)",
    "incident.view": "See security incidents: their clocks, steps, timeline and report",
    "incident.manage": "Open and update incidents, link alerts and tickets, tick off "
                       "playbook steps, record notices sent, write the report",
    "incident.act": "Carry out a playbook's acting steps on named members of staff "
                    "(sign-out, password reset, token revocation, suspension, key rotation)",
    "bulletin.publish": "Publish a security bulletin to the team and see who has read it",
    "bulletin.read": "Read and acknowledge security bulletins",
    "insider.view": "See insider-threat alerts: who, which detector, the score and the "
                    "audit events behind it (never customer values)",
    "insider.manage": "Acknowledge or dismiss insider-threat alerts, open an incident "
                      "from one; told by email of new ones",
}

# Every member of staff reads the team's security bulletins and acknowledges them.
_STAFF = {"bulletin.read"}
_WORKER = _STAFF | {
    "ticket.view", "ticket.create", "ticket.reply", "ticket.update", "customer.view",
    "customer.create", "customer.update", "customer.reveal", "customer.verify", "agent.view",
    "datamap.read", "privacy_request.file", "consent.view", "consent.manage",
}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    AGENT: frozenset(_WORKER),
    SENIOR_AGENT: frozenset(_WORKER | {"ticket.assign"}),
    SUPERVISOR: frozenset(_WORKER | {"ticket.assign", "ticket.view_all"}),
    BILLING: frozenset(_STAFF | {"ticket.view", "ticket.reply", "customer.view",
                                 "customer.reveal", "customer.verify", "datamap.read"}),
    ADMIN: frozenset(_STAFF | {
        "agent.view", "agent.manage", "team.manage", "ticket.view", "ticket.view_all",
        "ticket.assign", "datamap.read", "keys.view", "access.review", "role.manage",
        "jobs.view", "jobs.manage", "keys.rotate", "mail.view", "mail.release",
        "mail.configure", "channel.manage", "processing_record.view", "retention.view",
    }),
    SECURITY_OFFICER: frozenset(_STAFF | {
        "audit.read", "alert.read", "agent.view", "datamap.read", "keys.view",
        "access.review", "jobs.view", "mail.view", "mail.release", "processing_record.view",
        # Incident response: the security officer runs the incident and acts on accounts.
        "incident.view", "incident.manage", "incident.act", "bulletin.publish",
        # Insider-threat alerts are the security officer's to work (docs/insider.md).
        "insider.view", "insider.manage",
    }),
    PRIVACY_OFFICER: frozenset(_STAFF | {
        # A breach's notices to the authority and the people are the privacy officer's
        # to follow; the incident itself is run by security officers.
        "incident.view",
        "customer.view", "customer.update", "customer.erase", "customer.reveal",
        "customer.verify", "datamap.read", "agent.view", "privacy_request.view",
        "privacy_request.file", "privacy_request.manage", "processing_record.view",
        "retention.view", "retention.run", "legal_hold.manage", "consent.view",
        "consent.manage",
    }),
    AUDITOR: frozenset(_STAFF | {"audit.read", "datamap.read", "agent.view", "access.review",
                                 "incident.view", "insider.view"}),
}
