"""verify_audit reads a bank's whole trail: streamed in batches from a server-side cursor that
PostgreSQL does not materialise first, one light row per entry."""
import pytest
from django.db import connection, transaction

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.selectors import chain as selectors
from audit.services import audit_record
from core.actors import Actor


def _write(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(action="core.token.issued", actor=Actor.system("tests"), data={"i": i})


@pytest.mark.django_db(transaction=True)
def test_verification_streams_from_a_cursor_the_server_does_not_materialise(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's")
    _write(7)
    holdable = []
    seal_problem = selectors.entry_seal_problem

    def seal_problem_and_look(entry, **kwargs):
        if not holdable:
            with connection.cursor() as cursor:
                cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
                holdable.extend(row[0] for row in cursor.fetchall())
        return seal_problem(entry, **kwargs)

    monkeypatch.setattr(selectors, "entry_seal_problem", seal_problem_and_look)

    result = audit_chain_verify(batch_size=3)

    assert result.valid and result.entries == 7
    # A WITH HOLD cursor (what Django declares outside a transaction) is computed in full first.
    assert holdable == [False]


@pytest.mark.django_db(transaction=True)
def test_verification_builds_no_model_instance_per_entry(monkeypatch):
    _write(4)

    def refuse(*args, **kwargs):
        raise AssertionError("an AuditEntry instance was built")

    monkeypatch.setattr(AuditEntry, "from_db", classmethod(refuse))

    result = audit_chain_verify(batch_size=3)

    assert result.valid and result.entries == 4
