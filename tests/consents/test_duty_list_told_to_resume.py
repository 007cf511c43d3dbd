"""A recipient a widening paused is told it may resume once the customer agrees to the new version
(`widening_pauses_lift`, audit `consents.duty.widening_resumption_sent`): the notices page says so beside
the pause, whether it was still open (called off) or already confirmed, read for the whole page at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import WithdrawalDuty
from tests.consents.factories import (
    STAFF,
    grant,
    make_purpose,
    make_recipient,
    make_subject,
    version_in_force_since,
)
from tests.factories import UserFactory, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

ALL_DUTIES = {"status": "all"}


def _paused(customers: int):
    """`customers` consents to a sharing purpose naming the insurer, then a widening adding a broker in
    force: each consent's insurer pauses."""
    insurer = make_recipient(
        "Bảo hiểm A", client=UserFactory(role="integration_client"), url="https://insurer.example/hooks",
        name_en="Insurer A",
    )
    sharing = make_purpose(
        "sharing", category="sharing", recipients=[insurer], effective_at=timezone.now() - timedelta(days=90)
    )
    broker = make_recipient(
        "Môi giới B", client=UserFactory(role="integration_client"), url="https://broker.example/hooks",
        name_en="Broker B",
    )
    subjects = [make_subject() for _ in range(customers)]
    for subject in subjects:
        grant(subject, sharing, now=timezone.now() - timedelta(days=60))
    version_in_force_since("sharing", {}, recipients=[insurer, broker], ago=timedelta(hours=1))
    services.purpose_versions_apply_due()
    services.scope_stops_run_queued()
    return sharing, subjects


def _told_cells(client, **filters) -> list[str]:
    answer = client.get(reverse("consents:duty_list"), {**ALL_DUTIES, **filters}, HTTP_ACCEPT_LANGUAGE="en")
    page = parse(answer.content)
    return [" ".join(cell.text().split()) for cell in page.find_all(**{"data-testid": "duty-told"})]


def test_the_notices_page_says_when_a_paused_recipient_was_told_it_may_resume(dpo):
    sharing, (renewing, waiting) = _paused(2)
    grant(renewing, sharing)

    rows = {
        duty.subject_id: cell
        for duty, cell in zip(
            WithdrawalDuty.objects.order_by("due_at", "pk"), _told_cells(signed_in(dpo)), strict=True
        )
    }

    assert "Told it may resume" in rows[renewing.pk], rows
    assert "Told it may resume" not in rows[waiting.pk], rows


def test_a_pause_already_confirmed_says_so_too(dpo):
    sharing, (subject,) = _paused(1)
    pause = WithdrawalDuty.objects.get()
    services.duty_acknowledge(actor=STAFF, duty_id=pause.pk, note="stopped", reference="")
    grant(subject, sharing)

    (cell,) = _told_cells(signed_in(dpo))

    assert WithdrawalDuty.objects.get().status == WithdrawalDuty.Status.ACKNOWLEDGED
    assert "Told it may resume" in cell, cell


def test_the_page_reads_the_resumptions_in_queries_that_do_not_grow_with_its_rows(dpo):
    sharing, subjects = _paused(4)
    for subject in subjects:
        grant(subject, sharing)
    client = signed_in(dpo)
    _told_cells(client)
    with CaptureQueriesContext(connection) as one_row:
        (cell,) = _told_cells(client, subject=subjects[0].external_ref)
    with CaptureQueriesContext(connection) as four_rows:
        cells = _told_cells(client)

    assert "Told it may resume" in cell, cell
    assert sum("Told it may resume" in cell for cell in cells) == 4, cells
    assert len(four_rows) == len(one_row)
