"""`apply_verified_withdrawals` in an upgrade script: exits non-zero when every request was refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from dsr.management.commands import apply_verified_withdrawals

pytestmark = pytest.mark.django_db


def test_every_request_refused_exits_non_zero(monkeypatch):
    monkeypatch.setattr(
        apply_verified_withdrawals, "withdrawals_catch_up", lambda actor: (0, {"r-1": "no consent"})
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="All 1 withdrawal request"):
        call_command("apply_verified_withdrawals", stdout=out)
    assert "request r-1: not put in force: no consent" in out.getvalue()


@pytest.mark.parametrize("outcome", [(0, {}), (1, {"r-2": "no consent"})])
def test_nothing_to_do_or_something_put_in_force_exits_zero(monkeypatch, outcome):
    monkeypatch.setattr(apply_verified_withdrawals, "withdrawals_catch_up", lambda actor: outcome)
    call_command("apply_verified_withdrawals", stdout=io.StringIO())
