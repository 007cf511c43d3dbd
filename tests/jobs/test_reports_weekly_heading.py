"""The weekly report is headed by the week it covers, not the day it was sent: run on Monday 16 March
(or late, on Wednesday 18 March), it reports Monday 9 to Sunday 15 March, and its subject and heading
say so, so a DPO filing it, or forwarding it, knows which week it is."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail

from deadlines.policy import LOCAL_TZ
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.jobs.factories import staff

pytestmark = pytest.mark.django_db

RUN_LATE = datetime(2026, 3, 18, 8, 5, tzinfo=LOCAL_TZ)


def test_the_weekly_email_names_its_week():
    staff("chi", "dpo")
    report_send(kind="weekly", now=RUN_LATE)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.weekly")
    outbox_deliver(message.pk, now=RUN_LATE)
    (email,) = mail.outbox
    heading = email.alternatives[0][0].split("<h2>")[1].split("</h2>")[0]
    for shown in (email.subject, heading):
        assert "09/03/2026" in shown and "15/03/2026" in shown, shown
        assert "18/03/2026" not in shown, shown
