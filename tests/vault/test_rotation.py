"""Rotation: resumable after a crash, old keys readable until it completes, data intact."""

from __future__ import annotations

import threading

import pytest

from helpers import opened_messages, stored_profile
from trustdesk import vault
from trustdesk.customers import services
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Attachment, Message
from trustdesk.vault import keys, rotation
from trustdesk.vault.errors import KeyProviderUnavailable
from trustdesk.vault.providers import keystore, provider


def _helpdesk(system, n=5):
    made = []
    for i in range(n):
        c = services.customer_create(actor=system, profile={
            "full_name": f"Person {i}", "email": f"p{i}@example.org",
            "payment_card": "4111111111111111"})
        tickets.ticket_create(actor=system, customer_id=c.id, subject="Help", body=f"Body {i}",
                              attachments=[NewAttachment(f"f{i}.txt", "text/plain",
                                                         f"file {i}".encode())])
        made.append(c)
    return made


def _everything():
    keys.forget()
    profiles = {c.pk: stored_profile(c.pk) for c in Customer.objects.all()}
    return profiles, sorted(m.body for m in opened_messages())


@pytest.mark.django_db
def test_kek_rotation_resumes_after_a_crash(system):
    _helpdesk(system)
    before = _everything()
    old_kek = keys.current_kek()
    report = rotation.rotate_kek(grace_seconds=0, limit=2, batch=2)
    assert report.interrupted and report.rewrapped == 2
    assert rotation.status(kek_days=365, data_days=730).rotation_in_progress
    assert _everything() == before  # mixed KEKs: everything still opens
    report = rotation.rotate_kek(grace_seconds=0)
    assert report.destroyed == [old_kek]
    new_kek = keys.current_kek()
    assert new_kek != old_kek
    assert keystore().count(old_kek) == 0 and keystore().count(new_kek) == keystore().count()
    assert {k.id: k.state for k in keystore().keks()}[old_kek] == "destroyed"
    with pytest.raises(KeyProviderUnavailable):  # the old KEK material is gone
        provider().unwrap(old_kek, b"\0" * 60, b"")
    assert _everything() == before
    assert not rotation.status(kek_days=365, data_days=730).rotation_in_progress


@pytest.mark.django_db(transaction=True)
def test_kek_rotation_while_serving(system):
    _helpdesk(system, n=3)
    stop, errors, made = threading.Event(), [], []

    def serve():
        from django.db import connection

        try:
            while not stop.is_set():
                c = services.customer_create(actor=system, profile={
                    "full_name": "Busy Bee", "email": f"b{len(made)}@example.org"})
                made.append(c.id)
                keys.forget()
                assert stored_profile(c.id)["full_name"] == "Busy Bee"
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=serve)
    worker.start()
    try:
        # The shipped grace period: a request that read the old wrapping just before the
        # switch still finishes with it, even on a loaded machine.
        rotation.rotate_kek(batch=1)
        rotation.rotate_kek(batch=1)
    finally:
        stop.set()
        worker.join()
    assert not errors, errors
    assert made
    profiles, _ = _everything()
    assert all(profiles[cid]["full_name"] == "Busy Bee" for cid in made)


@pytest.mark.django_db
def test_data_rotation_re_encrypts_everything_and_resumes(system):
    customers = _helpdesk(system, n=4)
    before = _everything()
    report = rotation.rotate_data(grace_seconds=0, limit=2)
    assert report.interrupted and report.subjects == 2
    assert _everything() == before
    report = rotation.rotate_data(grace_seconds=0)
    assert report.subjects == 2  # only the two that were not done yet
    assert _everything() == before
    for c in customers:
        subject = f"customer:{c.id}"
        [only] = keystore().versions(subject)
        assert only.version == 2
        sealed = [bytes(f.sealed) for f in CustomerField.objects.filter(customer_id=c.id)]
        sealed += [bytes(m.body_sealed) for m in Message.objects.filter(ticket__customer_id=c.id)]
        sealed += [bytes(a.data) for a in Attachment.objects.filter(
            message__ticket__customer_id=c.id)]
        assert sealed and {vault.version_of(s) for s in sealed} == {2}
    assert keystore().rotation_cutoff("data") is None
