"""Law 91 lets the bank extend a request's deadline once, with a reason; the regulator asks how often it
did. The deadline report (API, CSV, the portal page and the DPO's e-mail) and the month's figures (the
printable page and its CSV) count the requests extended in the period, by type."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail

from dsr import services
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF, verified_request
from tests.dsr.test_reports_month_reconciles import APRIL, MARCH, complete, local
from tests.jobs.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def extended_in_march(subject):
    """Verified in March: a copy request extended on 10 March and answered on 20 March, a deletion
    extended on 11 March and still open; an access request extended in April (another period)."""
    answered = verified_request(subject, type="copy", now=local(2026, 3, 9, 9, 0))
    services.request_extend(actor=STAFF, request_id=answered.pk, note="Two systems to search",
                            now=local(2026, 3, 10, 9, 0))
    complete(answered, now=local(2026, 3, 20, 9, 0))
    still_open = verified_request(subject, type="delete", now=local(2026, 3, 9, 9, 0))
    services.request_extend(actor=STAFF, request_id=still_open.pk, note="Archive on tape",
                            now=local(2026, 3, 11, 9, 0))
    april = verified_request(subject, type="access", now=local(2026, 4, 1, 9, 0))
    services.request_extend(actor=STAFF, request_id=april.pk, note="Branch archive",
                            now=local(2026, 4, 2, 9, 0))


def _row(rows, key, field="key"):
    return next(row for row in rows if row[field] == key)


def test_the_report_and_its_csv_count_the_extensions_of_the_period(extended_in_march):
    report = deadline_report(now=local(2026, 4, 3, 9, 0), since=MARCH, until=APRIL)
    assert report["totals"]["extended"] == 2
    assert _row(report["by_type"], "delete")["extended"] == 1
    assert _row(report["by_type"], "copy")["extended"] == 1
    assert _row(report["by_type"], "access")["extended"] == 0
    lines = list(csv.DictReader(io.StringIO(report_csv(report).lstrip("\ufeff"))))
    assert _row(lines, "all")["extended"] == "2"


def test_the_months_figures_count_them(extended_in_march):
    month = monthly_figures(since=MARCH, until=APRIL, now=local(2026, 4, 3, 9, 0))
    assert month["totals"]["extended"] == 2 and _row(month["by_type"], "copy", "type")["extended"] == 1
    rows = list(csv.reader(io.StringIO(monthly_csv(month, bank_name="Bank", refusals=[]).lstrip("\ufeff"))))
    assert dict(zip(rows[2], rows[-1], strict=True))["extended"] == "2"


@pytest.mark.parametrize("url", [
    "/en/portal/reports/deadlines/?since=2026-03-01&until=2026-04-01",
    "/en/portal/reports/deadlines/2026-03/",
])
def test_the_pages_show_them(extended_in_march, client, dpo, url):
    client.force_login(dpo)
    page = client.get(url).content.decode()
    assert 'data-testid="extended-total">2<' in page


def test_the_weekly_email_gives_them(extended_in_march):
    staff("chi", "dpo")
    sent = local(2026, 3, 16, 8, 5)
    report_send(kind="weekly", now=sent)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.weekly")
    outbox_deliver(message.pk, now=sent)
    (email,) = mail.outbox
    assert 'data-testid="extended-total">2<' in email.alternatives[0][0]
