"""One CIF per citizen ID is checked by a read (a blind index cannot carry a unique constraint: the
DPO lets a second customer number share the ID, and a key rotation leaves two indexes per value). Under
PostgreSQL's READ COMMITTED two writers of the same ID each read before the other commits, so both
passed the check and the ID ended up under two customer numbers. The race is played here in order:
the other writer checks after this one has, and before this one commits."""

from __future__ import annotations

import pytest

from core.actors import Actor
from core.errors import Conflict
from subjects import changes, services
from subjects.crypto import blind_index_candidates
from subjects.models import DataSubject
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.factories import make_subject
from tests.runs import only_on

pytestmark = [
    pytest.mark.django_db(transaction=True),
    only_on("postgresql", "SQLite has one writer at a time"),
]
NATIONAL_ID = "001199000777"
SYSTEM = Actor.system("tests")


def _holders() -> list[str]:
    return sorted(
        DataSubject.objects.filter(national_id_index__in=blind_index_candidates(NATIONAL_ID)).values_list(
            "external_ref", flat=True
        )
    )


def _while_checked(monkeypatch, competitor) -> dict:
    """Run `competitor` in another connection right after this writer's check of the citizen ID has
    passed, and let this writer go on once the competitor has finished or waits for a lock."""
    checked = changes.identity_documents_unclaimed_check
    other: dict = {}

    def check_then_let_the_other_in(*args, **kwargs):
        checked(*args, **kwargs)
        if not other:
            thread, out = started_in_other_connection(competitor)
            other.update(thread=thread, out=out)
            lock_waited_for(until=lambda: not thread.is_alive())

    monkeypatch.setattr(services, "identity_documents_unclaimed_check", check_then_let_the_other_in)
    monkeypatch.setattr(changes, "identity_documents_unclaimed_check", check_then_let_the_other_in)
    return other


def _other_outcome(other: dict) -> dict:
    other["thread"].join(60)
    assert not other["thread"].is_alive()
    return other["out"]


def test_two_customers_created_at_once_with_one_citizen_id_get_one_cif(monkeypatch):
    other = _while_checked(
        monkeypatch,
        lambda: make_subject(external_ref="CIF8000002", national_id=NATIONAL_ID),
    )

    make_subject(external_ref="CIF8000001", national_id=NATIONAL_ID)

    outcome = _other_outcome(other)
    assert _holders() == ["CIF8000001"]
    assert isinstance(outcome.get("error"), Conflict) and outcome["error"].code == "duplicate_national_id"


def test_a_rectification_to_a_citizen_id_another_customer_is_being_created_with_is_refused(monkeypatch):
    earlier = make_subject(external_ref="CIF8000003")
    other = _while_checked(
        monkeypatch,
        lambda: make_subject(external_ref="CIF8000004", national_id=NATIONAL_ID),
    )

    services.subject_rectify(
        actor=SYSTEM, subject_id=earlier.pk, changes={"national_id": NATIONAL_ID}, reason="CCCD mới"
    )

    outcome = _other_outcome(other)
    assert _holders() == ["CIF8000003"]
    assert isinstance(outcome.get("error"), Conflict) and outcome["error"].code == "duplicate_national_id"
