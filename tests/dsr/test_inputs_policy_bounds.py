"""The deadline policy and the working-day calendar refuse what no deadline can be computed from: a
day before 1900 (year 1 at +07:00 is before year 1 in UTC) and a period of billions of hours, which
overflowed every deadline computed from the row and left the policy page a 500 for everyone."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import InvalidInput
from deadlines.models import CalendarDay, DeadlinePolicy, PeriodUnit
from dsr.forms import DeadlinePolicyForm
from dsr.services import policy as policy_services
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


def test_the_calendar_refuses_a_day_before_1900():
    with pytest.raises(InvalidInput) as refused:
        policy_services.calendar_day_set(actor=STAFF, day=date(1, 1, 1), kind="holiday", name="Tết")
    assert refused.value.field == "date"
    assert not CalendarDay.objects.filter(date__year__lt=1900).exists()


@pytest.mark.parametrize("field", ["period", "processor_period", "extension_period", "acknowledge_period"])
def test_the_policy_refuses_a_period_longer_than_a_year(field):
    row = DeadlinePolicy.objects.filter(unit=PeriodUnit.HOURS).first()
    in_hours = {"unit": PeriodUnit.HOURS, "acknowledge_unit": PeriodUnit.HOURS}
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(
            actor=STAFF, policy_id=row.pk, changes={field: 24 * 367, **in_hours}
        )
    assert refused.value.field == field
    policy_services.deadline_policy_update(
        actor=STAFF, policy_id=row.pk, changes={field: 24 * 366, **in_hours}
    )
    assert getattr(DeadlinePolicy.objects.get(pk=row.pk), field) == 24 * 366


def test_the_policy_refuses_a_validity_before_1900():
    row = DeadlinePolicy.objects.first()
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(
            actor=STAFF, policy_id=row.pk, changes={"effective_from": date(1, 1, 1)}
        )
    assert refused.value.field == "effective_from"


def test_the_pages_refuse_them_and_stay_open(dpo, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    client.force_login(dpo)
    added = client.post(reverse("dsr:calendar_add"), {"date": "0001-01-01", "kind": "holiday", "name": "x"})
    assert added.status_code in {200, 302}
    assert not CalendarDay.objects.filter(date__year__lt=1900).exists()
    row = DeadlinePolicy.objects.filter(unit=PeriodUnit.HOURS).first()
    body = {k: "" if v is None else v for k, v in DeadlinePolicyForm(instance=row).initial.items()}
    for period in ("2147483647", "999999999999"):
        edited = client.post(reverse("dsr:policy_edit", args=[row.pk]), {**body, "period": period})
        assert edited.status_code == 200 and "period" in edited.context["form"].errors
    assert DeadlinePolicy.objects.get(pk=row.pk).period == row.period
    assert client.get(reverse("dsr:policy")).status_code == 200


@pytest.mark.parametrize("field", ["period", "processor_period", "extension_period", "acknowledge_period"])
def test_the_policy_refuses_a_period_of_zero(field):
    # A bank period of 0 made every request overdue at intake and its receipt promise an answer that day.
    row = DeadlinePolicy.objects.filter(regime="bank").first()
    before = getattr(row, field)
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={field: 0})
    assert refused.value.field == field
    assert refused.value.status == 400
    assert getattr(DeadlinePolicy.objects.get(pk=row.pk), field) == before
    policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={field: 1})
    assert getattr(DeadlinePolicy.objects.get(pk=row.pk), field) == 1


def test_the_policy_page_refuses_a_period_of_zero(dpo):
    client = Client()
    client.force_login(dpo)
    row = DeadlinePolicy.objects.filter(regime="bank").first()
    body = {k: "" if v is None else v for k, v in DeadlinePolicyForm(instance=row).initial.items()}
    edited = client.post(reverse("dsr:policy_edit", args=[row.pk]), {**body, "period": "0"})
    assert edited.status_code == 200 and "period" in edited.context["form"].errors
    assert DeadlinePolicy.objects.get(pk=row.pk).period == row.period
