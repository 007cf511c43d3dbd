"""`core.states.StateMachine`: the one shape every app's table takes (issue #11)."""

from __future__ import annotations

import pytest

from core.errors import InvalidTransition
from core.states import StateMachine

MACHINE = StateMachine({"draft": {"sent"}, "sent": {"sent", "closed"}, "closed": set()})


def test_the_table_gives_next_statuses_and_derives_terminal_and_live():
    assert MACHINE.statuses == {"draft", "sent", "closed"}
    assert MACHINE.allowed_next("draft") == frozenset({"sent"})
    assert MACHINE.allowed_next("unknown") == frozenset()
    assert MACHINE.terminal == {"closed"}
    assert MACHINE.live == {"draft", "sent"}
    assert MACHINE.is_allowed("sent", "sent") and not MACHINE.is_allowed("closed", "draft")


def test_check_refuses_with_a_409_naming_the_status():
    MACHINE.check("draft", "sent")
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.check("closed", "draft")
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert "closed" in refused.value.text


def test_check_says_it_in_the_machines_words():
    with pytest.raises(InvalidTransition) as refused:
        MACHINE.check("draft", "closed", "%(status)s to %(new)s.", code="early", status="Draft", new="Closed")
    assert (refused.value.code, refused.value.text) == ("early", "Draft to Closed.")
