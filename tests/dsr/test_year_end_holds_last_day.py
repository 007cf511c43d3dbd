"""A hold's end date is the last day the law keeps the data ("Kept until 31/12/2036" on the customer's
page; the systems' `hold_until`): the nightly release erases it the night after that day, never at
01:30 on it. Accounting records counted from the end of the accounting year end on 31 December: the
release on the morning of 31 December erased them a day before the ten years were complete."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from core.actors import actor_for_user
from deadlines.policy import LOCAL_TZ, add_months
from dsr import services
from dsr.models import LegalHold
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory, verified_request
from tests.dsr.test_services_deletion_law import answer

pytestmark = pytest.mark.django_db


def _night(day) -> datetime:
    return datetime.combine(day, time(1, 30), tzinfo=LOCAL_TZ)


def test_a_hold_is_released_the_night_after_its_last_day(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    deletion = verified_request(subject, type="delete", actor=worker)
    answer(deletion, worker, approver)
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    # Ended five years ago but for two days: AML keeps the data until the day after tomorrow.
    ended_on = add_months(today, -60) + timedelta(days=2)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=ended_on)
    assert services.legal_holds_release_due(now=timezone.now()) == 0  # dates the holds
    last_day = LegalHold.objects.filter(request=deletion).values_list("ends_on", flat=True).first()
    assert last_day is not None

    assert services.legal_holds_release_due(now=_night(last_day)) == 0
    assert services.legal_holds_release_due(now=_night(last_day + timedelta(days=1))) == 3
