"""The refusals and partial answers by legal reason are on the pages too, not only in the API, the CSV
and the DPO's e-mail: the portal's deadline report and the printable monthly page the DPO hands the
regulator, which asks on which grounds the bank said no."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from deadlines.policy import LOCAL_TZ
from dsr.models import DataSubjectRequest
from tests.jobs.factories import request_due

pytestmark = pytest.mark.django_db

IN_MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def refused_in_march(subject):
    request = request_due(subject, due_at=IN_MARCH + timedelta(days=1), now=IN_MARCH - timedelta(days=1))
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status="partially_completed", outcome_reason="aml_retention", closed_at=IN_MARCH,
        identity_verified_at=request.received_at,
    )


@pytest.mark.parametrize("url", [
    "/en/portal/reports/deadlines/?since=2026-03-01&until=2026-04-01",
    "/en/portal/reports/deadlines/2026-03/",
])
def test_the_pages_count_refusals_by_legal_reason(refused_in_march, client, dpo, url):
    client.force_login(dpo)
    page = client.get(url).content.decode()
    assert 'data-testid="report-refusals"' in page
    table = page[page.index('data-testid="report-refusals"'):]
    table = " ".join(table[:table.index("</table>")].split())
    assert "Partially completed" in table and "Anti-Money Laundering" in table and "<td>1</td>" in table
