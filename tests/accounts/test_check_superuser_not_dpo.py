"""A superuser in no group acts as the DPO on every page (core.roles) but is in no DPO group, so none
of the DPO's e-mails (alerts, reports, a customer's complaint) reaches them: `manage.py check` says so,
so that the bank gives them the DPO role or ends their superuser status."""
from __future__ import annotations

import pytest

from accounts.checks import superuser_not_dpo_check
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_outside_the_dpo_group_is_warned_about():
    UserFactory(username="root", is_superuser=True, is_staff=True)
    UserFactory(username="real.dpo", role=Role.DPO, is_superuser=True)
    UserFactory(username="gone.root", is_superuser=True, is_active=False)

    warnings = superuser_not_dpo_check()

    assert [warning.id for warning in warnings] == ["accounts.W001"]
    assert "root" in warnings[0].msg
    assert "real.dpo" not in warnings[0].msg and "gone.root" not in warnings[0].msg


def test_no_warning_when_every_superuser_is_a_dpo():
    UserFactory(username="real.dpo", role=Role.DPO, is_superuser=True)

    assert superuser_not_dpo_check() == []
