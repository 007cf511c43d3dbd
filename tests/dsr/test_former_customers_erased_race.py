"""Two runs of the former customers' erasure at once (a run queued again while the last one still works)
erase a customer once: each reads the list, both wait for the customer's row, and the second, let go
once the first committed, finds them erased and leaves them. PostgreSQL: real row locks."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEntry
from dsr.models import DeletionRecord
from dsr.services.former_customers import former_customers_erase_due
from subjects.models import DataSubject
from tests.concurrency import held_in_other_connection, lock_waited_for, started_in_other_connection
from tests.dsr.factories import make_inventory
from tests.factories import make_subject
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def test_two_runs_at_once_erase_a_former_customer_once():
    make_inventory()
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2015, 1, 1))

    with held_in_other_connection(subject) as let_go:
        runs = [started_in_other_connection(former_customers_erase_due) for _ in range(2)]
        assert lock_waited_for(until=lambda: not any(thread.is_alive() for thread, _out in runs), count=2)
        let_go()
    erased = []
    for thread, out in runs:
        thread.join(60)
        assert not thread.is_alive() and "error" not in out, out
        erased.append(out["value"])

    assert sorted(erased) == [0, 1]
    assert AuditEntry.objects.filter(action="dsr.former_customer.erased", subject_id=subject.pk).count() == 1
    assert DeletionRecord.objects.filter(subject_id=subject.pk).count() == 2
