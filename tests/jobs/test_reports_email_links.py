"""The report e-mail's links open the pages in the reader's language (`/en/...` for an English-writing
DPO; Vietnamese, the default, has no prefix), and the monthly page's address names its month as the
portal does, `2026-02`, not `2026-2`; an address already e-mailed the old way still opens."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import StaffProfile
from deadlines.policy import LOCAL_TZ
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.jobs.factories import staff

pytestmark = pytest.mark.django_db

SENT = datetime(2026, 3, 1, 8, 10, tzinfo=LOCAL_TZ)


def test_the_monthly_links_are_in_each_readers_language_and_name_the_month_in_two_digits():
    staff("chi", "dpo")
    StaffProfile.objects.create(user=staff("anna", "dpo"), preferred_language="en")
    report_send(kind="monthly", now=SENT)
    for message in OutboxMessage.objects.filter(topic="report.deadlines.monthly"):
        outbox_deliver(message.pk, now=SENT)
    bodies = {email.to[0]: email.body for email in mail.outbox}
    assert "/portal/reports/deadlines/2026-02/" in bodies["chi@bank.test"]
    assert "/en/portal/" not in bodies["chi@bank.test"]
    assert "/en/portal/reports/deadlines/2026-02/" in bodies["anna@bank.test"]


def test_the_month_reads_in_two_digits_and_the_old_address_still_opens(client, dpo):
    assert reverse("dsr:report_monthly", args=[2026, 2]).endswith("/deadlines/2026-02/")
    client.force_login(dpo)
    assert client.get("/en/portal/reports/deadlines/2026-2/").status_code == 200
    assert client.get("/en/portal/reports/deadlines/2026-13/").status_code == 404
