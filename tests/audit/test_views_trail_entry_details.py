"""The audit trail page showed who did what to which record, never what the entry recorded: a deadline
policy's old and new period, a role granted, a token's scopes. The auditor testing configuration
changes had to ask a developer for the API's JSON or the database; the page now shows each entry's
details, a change as before → after."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.selectors import audit_entry_details
from audit.services import audit_record
from core.actors import Actor

pytestmark = pytest.mark.django_db
DPO = Actor(kind="staff", user_id=None, label="dpo-at-head-office")


def _row_of(page: str, action: str) -> str:
    rows = [row for row in page.split("<tbody>", 1)[1].split("<tr>") if action in row]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_change_shows_its_before_and_after(logged_in, auditor):
    with transaction.atomic():
        audit_record(action="dsr.policy.changed", actor=DPO, data={
            "regime": "bank", "request_type": "access",
            "changed": {"period": {"before": "72", "after": "48"}},
        })

    row = _row_of(logged_in(auditor).get("/portal/audit/").content.decode(), "dsr.policy.changed")

    assert "period" in row and "72" in row and "48" in row
    assert row.index("72") < row.index("48")
    assert "access" in row


def test_an_entry_with_no_details_shows_none(logged_in, auditor):
    with transaction.atomic():
        audit_record(action="core.user.role_changed", actor=DPO, data={"user_id": 7, "old": None,
                                                                        "new": "auditor"})
    row = _row_of(logged_in(auditor).get("/portal/audit/").content.decode(), "core.user.role_changed")
    assert "auditor" in row and "user_id" in row


def test_the_details_read_any_json_an_entry_holds():
    assert audit_entry_details(None) == []
    assert audit_entry_details(["a", 1]) == [("", '["a", 1]')]
    names_only = {"changed": ["name_vi"], "code": "x"}
    assert audit_entry_details(names_only) == [("changed", '["name_vi"]'), ("code", "x")]
    assert audit_entry_details({"active": {"before": None, "after": True}}) == [("active", "null → true")]
