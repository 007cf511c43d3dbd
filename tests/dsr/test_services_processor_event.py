"""The timeline's "a processor or third party must act: statutory period lengthened" is recorded only when
the policy gives a longer period for it and the statutory deadline moves, and it shows that statutory
deadline, not the bank's (an access request reaching an outsourced system has no longer period under
Law 91)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from dsr.models import ClockEvent, System
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsourced():
    """An outsourced system (a processor) that access and deletion requests reach."""
    return System.objects.create(
        code="call_centre",
        name_vi="Outsourced call centre",
        is_processor=True,
        request_types=["access", "delete"],
    )


def _processor_events(request):
    return list(request.clock_events.filter(kind=ClockEvent.PROCESSOR))


def test_an_access_request_reaching_a_processor_with_no_longer_period_records_no_lengthening(
    subject, outsourced
):
    request = verified_request(subject, type="access")
    assert request.processor_involved
    assert request.tasks.filter(system=outsourced).exists()
    assert _processor_events(request) == []


def test_a_deletion_reaching_a_processor_records_the_lengthened_statutory_deadline(
    subject, outsourced, logged_in, dpo
):
    request = verified_request(subject, type="delete")
    [event] = _processor_events(request)
    assert event.statutory_due_at == request.statutory_due_at
    assert event.statutory_due_at > request.due_at + timedelta(days=7)

    page = logged_in(dpo).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    timeline = page[page.index('data-testid="timeline"'):].split("</ol>")[0]
    labels = set()
    for language in ("vi", "en"):
        with translation.override(language):
            labels.add(str(ClockEvent.PROCESSOR.label))
    [entry] = [li for li in timeline.split("</li>") if any(label in li for label in labels)]
    local = timezone.localtime
    shown = formats.date_format(local(request.statutory_due_at), "SHORT_DATETIME_FORMAT")
    bank = formats.date_format(local(request.due_at), "SHORT_DATETIME_FORMAT")
    assert shown in entry and bank not in entry
