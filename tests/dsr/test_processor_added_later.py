"""A processor added to the inventory (or a system found to be run by one) while a request is being
worked on: its data must be corrected too, so the open request gets its task, and the law's longer
period (rectify: 15 days instead of 10) applies to it from then (Law 91 / Decree 356)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dsr import services
from dsr.models import ClockEvent, System
from dsr.services import inventory
from tests.dsr.factories import STAFF, verified_request

pytestmark = pytest.mark.django_db


def _outsourced(**fields) -> System:
    return inventory.system_save(
        actor=STAFF,
        system=None,
        categories=[],
        code="outsourced-cards",
        name_vi="Hệ thống in thẻ thuê ngoài",
        name_en="Outsourced card printing",
        request_types=["rectify"],
        active=True,
        **fields,
    )


def test_a_processor_added_while_a_rectification_is_open_gets_its_task_and_lengthens_the_clock(subject):
    request = verified_request(
        subject, type="rectify", corrections={"address": "12 Phố Huế"}, now=timezone.now()
    )
    assert not request.processor_involved
    ten_days = request.statutory_due_at

    system = _outsourced(is_processor=True)

    request.refresh_from_db()
    assert request.tasks.filter(system=system).exists()
    assert request.processor_involved
    assert request.statutory_due_at == ten_days + timedelta(days=5)
    assert request.clock_events.filter(kind=ClockEvent.PROCESSOR).exists()


def test_a_system_found_to_be_run_by_a_processor_lengthens_the_open_requests_clock(subject):
    system = _outsourced(is_processor=False)
    request = verified_request(
        subject, type="rectify", corrections={"address": "12 Phố Huế"}, now=timezone.now()
    )
    assert request.tasks.filter(system=system).exists() and not request.processor_involved
    ten_days = request.statutory_due_at

    inventory.system_save(actor=STAFF, system=system, categories=[], is_processor=True)

    request.refresh_from_db()
    assert request.processor_involved
    assert request.statutory_due_at == ten_days + timedelta(days=5)


def test_a_closed_request_is_left_as_it_was_answered(subject):
    request = verified_request(
        subject, type="rectify", corrections={"address": "12 Phố Huế"}, now=timezone.now()
    )
    services.request_complete(actor=STAFF, request_id=request.pk, now=timezone.now())

    system = _outsourced(is_processor=True)

    request.refresh_from_db()
    assert not request.tasks.filter(system=system).exists()
    assert not request.processor_involved
