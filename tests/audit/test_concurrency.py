"""Several server processes writing at once leave one unbroken chain, no event lost."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from helpers import database_url
from trustdesk.audit import verify
from trustdesk.audit.models import AuditChainLink, AuditEvent

WRITERS, EACH = 4, 60

WRITER = textwrap.dedent("""
    import os, sys, django
    django.setup()
    from django.db import transaction
    from trustdesk.audit import chain
    from trustdesk.audit.services import record
    from trustdesk.core.actor import Actor
    me = Actor(kind="agent", label=f"writer{sys.argv[1]}@example.com", role="agent")
    for i in range(int(sys.argv[2])):
        with transaction.atomic():
            record(actor=me, action="customer.view", object_type="customer",
                   object_id=f"{sys.argv[1]}-{i}")
        if i % 10 == 0:
            chain.chain_pending(batch=7)  # chainers race each other too
""")


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_leave_one_valid_chain():
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=str(settings.DATA_DIR),  # the same audit key
               TRUSTDESK_DATABASE_URL=database_url(),
               TRUSTDESK_AUDIT_CHECKPOINT_EVERY="50")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(EACH)], env=env,
                              stderr=subprocess.PIPE, text=True) for n in range(WRITERS)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    settings.AUDIT_WITNESS_PATH = settings.DATA_DIR / "audit-head.json"  # the writers' witness
    result = verify.verify(save=False)
    assert result.ok, result.problem
    assert result.checked == WRITERS * EACH
    assert AuditEvent.objects.count() == WRITERS * EACH
    assert list(AuditChainLink.objects.order_by("seq").values_list("seq", flat=True)) == \
        list(range(1, WRITERS * EACH + 1))
    assert set(AuditEvent.objects.values_list("object_id", flat=True)) == {
        f"{n}-{i}" for n in range(WRITERS) for i in range(EACH)}
