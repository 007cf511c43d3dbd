"""Rights are free except for manifestly excessive repetition (domain notes), so the DPO must see how
many requests were repeats of an earlier one (`repeat_of`): the deadline report (API, CSV, the portal
page and the DPO's weekly and monthly e-mails) and the month's figures (the printable page and its CSV)
count the requests received in the period that repeat another, by type."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail

from dsr.models import DataSubjectRequest
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.dsr.test_reports_month_reconciles import APRIL, MARCH, local
from tests.jobs.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def repeated_in_march(subject):
    """Three access requests and a copy in March, two of the access requests repeats of the first; a
    repeat received in April (another period)."""
    first = make_request(subject, type="access", now=local(2026, 3, 2, 9, 0))
    repeats = [make_request(subject, type="access", now=local(2026, 3, day, 9, 0)) for day in (3, 4)]
    make_request(subject, type="copy", now=local(2026, 3, 5, 9, 0))
    april = make_request(subject, type="access", now=local(2026, 4, 1, 9, 0))
    DataSubjectRequest.objects.filter(pk__in=[r.pk for r in [*repeats, april]]).update(repeat_of=first)


def _row(rows, key, field="key"):
    return next(row for row in rows if row[field] == key)


def test_the_report_and_its_csv_count_the_repeats_received_in_the_period(repeated_in_march):
    report = deadline_report(now=local(2026, 4, 3, 9, 0), since=MARCH, until=APRIL)
    assert report["totals"]["repeats"] == 2
    assert _row(report["by_type"], "access")["repeats"] == 2
    assert _row(report["by_type"], "copy")["repeats"] == 0
    lines = list(csv.DictReader(io.StringIO(report_csv(report).lstrip("\ufeff"))))
    assert _row(lines, "all")["repeats"] == "2"


def test_the_months_figures_count_them_beside_the_requests_received(repeated_in_march):
    month = monthly_figures(since=MARCH, until=APRIL, now=local(2026, 4, 3, 9, 0))
    assert (month["totals"]["received"], month["totals"]["repeats"]) == (4, 2)
    assert _row(month["by_type"], "access", "type")["repeats"] == 2
    rows = list(csv.reader(io.StringIO(monthly_csv(month, bank_name="Bank", refusals=[]).lstrip("\ufeff"))))
    assert dict(zip(rows[2], rows[-1], strict=True))["repeats"] == "2"


@pytest.mark.parametrize("url", [
    "/en/portal/reports/deadlines/?since=2026-03-01&until=2026-04-01",
    "/en/portal/reports/deadlines/2026-03/",
])
def test_the_pages_show_them(repeated_in_march, client, dpo, url):
    client.force_login(dpo)
    page = client.get(url).content.decode()
    assert 'data-testid="repeats-total">2<' in page


@pytest.mark.parametrize(("kind", "sent"), [("weekly", (2026, 3, 9, 8, 5)), ("monthly", (2026, 4, 1, 8, 10))])
def test_the_dpos_emails_give_them(repeated_in_march, kind, sent):
    staff("chi", "dpo")
    report_send(kind=kind, now=local(*sent))
    (message,) = OutboxMessage.objects.filter(topic=f"report.deadlines.{kind}")
    outbox_deliver(message.pk, now=local(*sent))
    (email,) = mail.outbox
    html, text = email.alternatives[0][0], email.body
    assert 'data-testid="repeats-total">2<' in html
    assert "lặp lại" in text
