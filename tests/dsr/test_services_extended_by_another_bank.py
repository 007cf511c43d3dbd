"""A request a transferred portfolio brings over may already have used the law's one extension at the
other bank (Law 91/2025: one extension). Staff record it at intake, with the day it was extended to and
why; this bank then cannot extend it again, and its deadlines are the extended ones."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import translation

from core.errors import Conflict, InvalidInput
from deadlines.policy import LOCAL_TZ
from dsr import services
from tests.dsr.factories import MONDAY, STAFF
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
TRANSFER_DAY = MONDAY + timedelta(days=3)
RECEIVED_THERE = MONDAY - timedelta(days=15)
EXTENDED_UNTIL = (RECEIVED_THERE + timedelta(days=18)).astimezone(LOCAL_TZ).date()


def bring_over(subject, **extension):
    return services.request_create(
        actor=STAFF, subject=subject, type="access", channel="paper_form", received_at=RECEIVED_THERE,
        received_by="Ngân hàng B", now=TRANSFER_DAY, **extension,
    )


def test_an_extension_the_other_bank_used_is_not_used_twice(subject):
    request = bring_over(subject, extended_until=EXTENDED_UNTIL, extension_note="Nhiều dữ liệu lưu trữ")

    end_of_day = datetime.combine(EXTENDED_UNTIL, time(23, 59, 59), tzinfo=LOCAL_TZ)
    assert request.statutory_due_at == end_of_day
    assert request.due_at <= end_of_day
    assert request.extension_note == "Nhiều dữ liệu lưu trữ"
    with pytest.raises(Conflict) as refused:
        services.request_extend(actor=STAFF, request_id=request.pk, note="Again", now=TRANSFER_DAY)
    assert refused.value.code == "already_extended"


def test_the_extension_elsewhere_needs_its_reason_and_the_other_bank(subject):
    with pytest.raises(InvalidInput) as no_reason:
        bring_over(subject, extended_until=EXTENDED_UNTIL)
    assert no_reason.value.field == "extension_note"
    with pytest.raises(InvalidInput) as own_form:
        services.request_create(
            actor=STAFF, subject=subject, type="access", channel="paper_form", now=TRANSFER_DAY,
            extended_until=EXTENDED_UNTIL, extension_note="x",
        )
    assert own_form.value.field == "extended_until"


def test_an_extension_elsewhere_past_what_the_law_allows_is_refused(subject):
    with pytest.raises(InvalidInput) as refused:
        bring_over(subject, extended_until=EXTENDED_UNTIL + timedelta(days=60), extension_note="x")
    assert refused.value.field == "extended_until"


def test_the_api_takes_the_extension_the_other_bank_used(subject, officer):
    with translation.override("en"):
        answer = signed_in(officer).post("/api/v1/requests/", {
            "subject": subject.external_ref, "type": "access", "channel": "paper_form",
            "received_at": RECEIVED_THERE.isoformat(), "received_by": "Ngân hàng B",
            "extended_until": EXTENDED_UNTIL.isoformat(), "extension_note": "Nhiều dữ liệu",
        }, content_type="application/json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["statutory_due_at"].startswith(f"{EXTENDED_UNTIL.isoformat()}T23:59:59")
