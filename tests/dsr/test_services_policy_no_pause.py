"""Law 91 / Decree 356 (and Decree 13) have no pause: the DPO cannot make their clocks stand still while
the bank waits for the customer; another regime's row (a group's GDPR policy) may still pause."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from deadlines.models import DeadlinePolicy
from dsr.forms import DeadlinePolicyForm
from dsr.services import policy as policy_services
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("regime", ["vn_law91", "vn_decree13"])
def test_a_vietnamese_statutory_row_cannot_be_made_pausable(regime):
    row = DeadlinePolicy.objects.filter(regime=regime, request_type="access").first()
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"pausable": True})
    assert refused.value.field == "pausable"
    assert not DeadlinePolicy.objects.get(pk=row.pk).pausable


def test_a_gdpr_row_may_still_pause():
    row = DeadlinePolicy.objects.create(
        regime="eu_gdpr", request_type="access", period=1, unit="months", pausable=False, active=True
    )
    policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"pausable": True})
    assert DeadlinePolicy.objects.get(pk=row.pk).pausable


def test_the_policy_page_shows_the_refusal_on_the_pausable_field(logged_in, dpo):
    row = DeadlinePolicy.objects.get(regime="vn_law91", request_type="access", active=True)
    body = {k: "" if v is None else v for k, v in DeadlinePolicyForm(instance=row).initial.items()}
    body = {k: v for k, v in body.items() if v is not False}
    edited = logged_in(dpo).post(reverse("dsr:policy_edit", args=[row.pk]), {**body, "pausable": "on"})
    assert edited.status_code == 200
    assert "pausable" in edited.context["form"].errors
    assert not DeadlinePolicy.objects.get(pk=row.pk).pausable
