"""A request awaiting the customer sorts in the staff queue by the date its row shows (`answer_by`: the
law's deadline, as the bank's clock stands still), not by the bank's deadline frozen by the pause; a
pause begun after the bank's deadline had passed stops nothing, and it sorts by that passed date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dsr.models import DataSubjectRequest
from dsr.selectors import request_queue, requests_to_act_on
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _set(request, **fields):
    DataSubjectRequest.objects.filter(pk=request.pk).update(**fields)
    return DataSubjectRequest.objects.get(pk=request.pk)


def test_a_paused_request_sorts_by_the_date_its_row_shows(subject):
    now = timezone.now()
    paused = _set(make_request(subject, type="access"), received_at=now - 5 * DAY, due_at=now + 2 * DAY,
                  statutory_due_at=now + 20 * DAY, paused_at=now - DAY)
    running = _set(make_request(subject, type="copy"), received_at=now - 4 * DAY, due_at=now + 5 * DAY,
                   statutory_due_at=now + 25 * DAY)
    passed_then_paused = _set(make_request(subject, type="object"), received_at=now - 9 * DAY,
                              due_at=now - DAY, statutory_due_at=now + 9 * DAY, paused_at=now)

    queue = list(request_queue(now=now))

    assert [r.pk for r in queue] == [passed_then_paused.pk, running.pk, paused.pk]
    assert [r.binding_due_at for r in queue] == [r.answer_by for r in queue]
    assert queue[-1].binding_due_at == paused.statutory_due_at


def test_the_needs_attention_list_sorts_a_paused_request_by_the_date_its_row_shows(subject):
    now = timezone.now()
    paused = _set(make_request(subject, type="access"), received_at=now - 5 * DAY, due_at=now - 2 * DAY,
                  statutory_due_at=now + 12 * DAY // 24, paused_at=now - 3 * DAY)
    running = _set(make_request(subject, type="copy"), received_at=now - 4 * DAY, due_at=now + DAY // 4,
                   statutory_due_at=now + 25 * DAY)

    rows = list(requests_to_act_on(now=now))

    assert [r.pk for r in rows] == [running.pk, paused.pk]
    assert [r.binding_due_at for r in rows] == [r.answer_by for r in rows]
