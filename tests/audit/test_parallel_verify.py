"""``audit verify --workers N`` splits the chain into ranges checked in forked processes;
a finding anywhere — at a range boundary too — still names the first bad position."""

from __future__ import annotations

import pytest

from trustdesk.audit import chain, scan, verify
from trustdesk.audit.models import AuditChainLink, AuditEvent

from .conftest import as_table_owner

pytestmark = pytest.mark.django_db(transaction=True)  # forked workers see committed rows


@pytest.fixture
def split(trail, monkeypatch, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 7
    monkeypatch.setattr(scan, "PARALLEL_MIN", 0)
    trail(30)
    chain.chain_pending()


def _verify(workers=3):
    return verify.verify(save=False, workers=workers)


def test_the_ranges_together_check_the_whole_chain(split):
    result = _verify()
    assert (result.ok, result.checked, result.last_seq) == (True, 30, 30), result.problem


@pytest.mark.parametrize("seq", [1, 10, 11, 21, 30])  # ranges are 1-10, 11-20, 21-30
def test_a_deleted_link_at_any_place(split, seq):
    with as_table_owner():
        AuditChainLink.objects.filter(seq=seq).delete()
    result = _verify()
    assert not result.ok and result.first_bad_seq == seq, result.problem


def test_the_lowest_finding_wins_across_ranges(split):
    with as_table_owner():
        for seq in (25, 14):  # the trail's event n sits at position n + 1
            event = AuditEvent.objects.get(pk=AuditChainLink.objects.get(seq=seq).event_id)
            body = bytes(event.body).replace(f'"n":{seq - 1},'.encode(), b'"n":0,')
            assert body != bytes(event.body)
            AuditEvent.objects.filter(pk=event.pk).update(body=body)
    result = _verify()
    assert result.first_bad_seq == 14 and "modified" in result.problem
    assert _verify(workers=1).first_bad_seq == 14
