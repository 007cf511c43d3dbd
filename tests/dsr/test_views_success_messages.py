"""A success message says what happened: which system's task was marked done, which policy row was
saved and the period it now sets."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from deadlines.models import DeadlinePolicy, PeriodUnit
from dsr.forms import DeadlinePolicyForm
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_marking_a_task_done_names_the_system(client, privacy_officer, subject):
    make_inventory()
    request = verified_request(subject, type="rectify", corrections={"phone": "0909000111"})
    task = request.tasks.get(status="open")
    client.force_login(privacy_officer)
    with translation.override("en"):
        done = client.post(
            reverse("dsr:task_done", args=[request.pk, task.pk]), {"note": "Changed in T24"}, follow=True
        )
        assert _messages(done) == [f"{task.system.name}: task marked done."]


def test_saving_a_policy_row_names_it_and_its_new_period(client, dpo):
    row = DeadlinePolicy.objects.filter(unit=PeriodUnit.DAYS, period__isnull=False).first()
    body = {k: "" if v is None else v for k, v in DeadlinePolicyForm(instance=row).initial.items()}
    client.force_login(dpo)
    with translation.override("en"):
        saved = client.post(reverse("dsr:policy_edit", args=[row.pk]), {**body, "period": 9}, follow=True)
        assert _messages(saved) == [
            f"Policy saved: “{row.get_request_type_display()}” under “{row.get_regime_display()}”, "
            "9 calendar days from now on; new requests follow it."
        ]
