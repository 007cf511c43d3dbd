"""The regulator's monthly CSV carries the refusals and partial answers by legal reason that the
printable monthly page shows (the same figures: `deadline_report`'s `refusals` over the month), so the
file the DPO hands over says on which grounds the bank said no; the existing rows keep their places
(the total stays the last line, the columns keep their order)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest
from tests.jobs.factories import request_due

pytestmark = pytest.mark.django_db

IN_MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)


def _closed_in_march(subject, status: str, reason: str) -> None:
    request = request_due(subject, due_at=IN_MARCH + timedelta(days=1), now=IN_MARCH - timedelta(days=1))
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=status, outcome_reason=reason, closed_at=IN_MARCH, identity_verified_at=request.received_at,
    )


def test_the_monthly_csv_counts_refusals_by_legal_reason_as_the_page(subject, client, dpo):
    _closed_in_march(subject, "partially_completed", "aml_retention")
    _closed_in_march(subject, "partially_completed", "aml_retention")
    _closed_in_march(subject, "rejected", "identity_not_verified")
    client.force_login(dpo)

    body = client.get("/en/portal/reports/deadlines/2026-03/", {"format": "csv"}).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))
    header = rows[2]
    lines = [dict(zip(header, row, strict=True)) for row in rows[3:]]
    refusals = {(line["status"], line["reason"]): line for line in lines if line["type"] == "refusals"}
    assert {key: line["count"] for key, line in refusals.items()} == {
        ("partially_completed", "aml_retention"): "2",
        ("rejected", "identity_not_verified"): "1",
    }
    assert "Anti-Money Laundering" in refusals[("partially_completed", "aml_retention")]["label"]
    assert lines[-1]["type"] == "total"
