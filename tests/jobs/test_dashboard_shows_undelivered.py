"""A deadline report (or any staff e-mail) the mail server never took is parked after its retries; the
DPO, who is the one not receiving it, learns so from the dashboard they open every morning, not only by
remembering to look at the undelivered messages page."""

from __future__ import annotations

import pytest

from dsr.services.reporting import report_send
from integrations.models import OutboxMessage
from tests.jobs.factories import NOW, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def parked_report():
    staff("chi", "dpo")
    report_send(kind="daily", now=NOW)
    OutboxMessage.objects.filter(topic="report.deadlines.daily").update(
        status=OutboxMessage.Status.PARKED, last_error="smtp: connection refused"
    )


def test_the_dpos_dashboard_counts_undelivered_messages(parked_report, client, dpo):
    client.force_login(dpo)
    page = client.get("/en/portal/").content.decode()
    assert "Undelivered messages" in page and 'href="/en/portal/outbox/parked/"' in page
    assert 'data-testid="card-undelivered">1<' in page


def test_nothing_undelivered_shows_no_card(client, dpo):
    client.force_login(dpo)
    assert 'data-testid="card-undelivered"' not in client.get("/en/portal/").content.decode()


def test_a_privacy_officer_sees_no_such_card(parked_report, client, privacy_officer):
    client.force_login(privacy_officer)
    assert 'data-testid="card-undelivered"' not in client.get("/en/portal/").content.decode()
