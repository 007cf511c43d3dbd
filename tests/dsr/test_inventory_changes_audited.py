"""The auditor tests each change to the register of systems, categories and retention rules by its
audit entry: who changed what, from what to what. A system's entry held only what it became, never
what it was, and not which integration client acts for it nor whether a processor runs it (the client
that may report a deletion done, and the longer statutory period a processor brings); a category's or
rule's correction named the fields changed without their old or new values."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from dsr.services import inventory
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


def _latest(action: str) -> dict:
    return AuditEntry.objects.filter(action=action).latest("sequence").data


def test_a_systems_change_records_before_and_after_of_its_client_and_processor(client_user):
    core_banking = client_user
    system = inventory.system_save(
        actor=STAFF, system=None, categories=[], code="cards", name_vi="Thẻ", name_en="Cards",
        request_types=["delete"], active=True,
    )
    created = _latest("dsr.system.saved")
    assert created["integration_client"] is None and created["is_processor"] is False

    inventory.system_save(actor=STAFF, system=system, categories=[], integration_client=core_banking,
                          is_processor=True, request_types=["delete", "rectify"])

    changed = _latest("dsr.system.saved")["changed"]
    assert changed["integration_client"] == {"before": None, "after": core_banking.pk}
    assert changed["is_processor"] == {"before": False, "after": True}
    assert changed["request_types"] == {"before": ["delete"], "after": ["delete", "rectify"]}
    assert "name_vi" not in changed


def test_a_retention_rules_correction_records_the_old_and_new_values():
    rule = inventory.retention_rule_save(
        actor=STAFF, rule=None, name_vi="AML", name_en="AML", period_months=60,
        legal_reference_vi="Luật PCRT 2022, Điều 28", legal_reference_en="AML Law 2022, Art. 28",
    )

    inventory.retention_rule_save(actor=STAFF, rule=rule, period_months=12)

    assert _latest("dsr.retention.updated")["changed"] == {"period_months": {"before": 60, "after": 12}}
