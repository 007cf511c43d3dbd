"""The breach machine: one table in regulator/states.py, one mover writing a history row, one
allowed-actions selector the page uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.actors import Actor, ActorKind
from core.errors import InvalidTransition
from regulator import services
from regulator.models import BreachStatus, BreachStatusChange
from regulator.selectors import breach_allowed_actions
from regulator.services.breaches import breach_transition
from regulator.states import BREACH_MACHINE
from tests.factories import status_moves
from tests.regulator.factories import DPO, MONDAY, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def test_the_table_covers_every_status_and_derives_the_terminal_set():
    assert BREACH_MACHINE.statuses == set(BreachStatus.values)
    assert BREACH_MACHINE.terminal == {BreachStatus.CLOSED}


def test_every_move_writes_a_history_row():
    make_inventory()
    breach = make_breach(categories=["identity"])  # no customer to tell: the machine alone
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2))
    services.breach_notify(actor=DPO, breach_id=breach.pk, new_facts="more", now=MONDAY + timedelta(hours=3))
    services.breach_close(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(days=9))
    assert status_moves(breach) == [
        ("open", "notified", MONDAY + timedelta(hours=2), DPO.label),
        ("notified", "closed", MONDAY + timedelta(days=9), DPO.label),
    ]
    assert BreachStatusChange.objects.count() == 2


def test_an_illegal_move_is_refused_and_writes_nothing():
    make_inventory()
    breach = make_breach()
    with pytest.raises(InvalidTransition) as error:
        breach_transition(breach, actor=DPO, to=BreachStatus.CLOSED, now=MONDAY)
    assert error.value.status == 409
    breach.refresh_from_db()
    assert breach.status == BreachStatus.OPEN
    assert not BreachStatusChange.objects.exists()


def test_allowed_actions_follow_the_table():
    make_inventory()
    breach = make_breach(categories=["identity"])  # no customer to tell: the machine alone
    assert breach_allowed_actions(breach, DPO) == {"update", "notify"}
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2))
    breach.refresh_from_db()
    assert breach_allowed_actions(breach, DPO) == {"update", "notify", "close"}
    services.breach_close(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(days=9))
    breach.refresh_from_db()
    assert breach_allowed_actions(breach, DPO) == frozenset()
    customer = Actor(kind=ActorKind.CUSTOMER, user_id=1, label="customer#1")
    assert breach_allowed_actions(breach, customer) == frozenset()
