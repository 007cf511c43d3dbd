"""Test data for the scheduled jobs: requests with deadlines set to the minute, staff with e-mail."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import mail

from core.roles import Role
from dsr.models import DataSubjectRequest
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, make_request
from tests.factories import UserFactory

NOW = MONDAY + timedelta(days=3)


def staff(username: str, role: str = Role.PRIVACY):
    return UserFactory(username=username, role=role, email=f"{username}@bank.test")


def monthly_report_emailed(now: datetime):
    """The monthly deadline report as a DPO ("chi", Vietnamese) receives it, sent and delivered at
    `now`: the one e-mail in `mail.outbox`."""
    staff("chi", Role.DPO)
    report_send(kind="monthly", now=now)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.monthly")
    outbox_deliver(message.pk, now=now)
    (email,) = mail.outbox
    return email


def request_due(subject, *, due_at: datetime, statutory_due_at: datetime | None = None, assignee=None, **kw):
    """An open request received and acknowledged on MONDAY whose bank deadline is `due_at` (the
    statutory one later)."""
    request = make_request(subject, **kw)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        acknowledged_at=request.received_at,
        due_at=due_at,
        statutory_due_at=statutory_due_at or due_at + timedelta(days=30),
        assignee=assignee,
    )
    request.refresh_from_db()
    return request


def withdrawn_duty(subject):
    """An open withdrawal duty: a consent to a purpose shared with one recipient, withdrawn."""
    from consents import services as consent_services
    from consents.models import WithdrawalDuty
    from tests.consents.factories import STAFF, grant, make_purpose, make_recipient

    purpose = make_purpose(recipients=[make_recipient("Partner Insurance")])
    consent = grant(subject, purpose)
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return WithdrawalDuty.objects.get(consent=consent)
