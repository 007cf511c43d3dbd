"""The working-day calendar holds Vietnam's holidays (Tết, Hùng Kings, 2 September): a GDPR or PIPL
period counted in working days would skip days that are working days in the EU or China, and no
inspector of those regimes would accept the date. Their rows count in hours, days or months."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from deadlines.models import DeadlinePolicy
from dsr.services import policy as policy_services
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("regime", "request_type"), [("eu_gdpr", "access"), ("cn_pipl", "complaint")]
)
def test_a_foreign_regime_cannot_count_vietnamese_working_days(regime, request_type):
    row = DeadlinePolicy.objects.get(regime=regime, request_type=request_type)
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(
            actor=STAFF, policy_id=row.pk, changes={"unit": "working_days", "period": 15}
        )
    assert refused.value.field == "unit"
    assert DeadlinePolicy.objects.get(pk=row.pk).unit != "working_days"


def test_nor_acknowledge_in_vietnamese_working_days():
    row = DeadlinePolicy.objects.get(regime="eu_gdpr", request_type="access")
    with pytest.raises(InvalidInput) as refused:
        policy_services.deadline_policy_update(
            actor=STAFF,
            policy_id=row.pk,
            changes={"acknowledge_period": 3, "acknowledge_unit": "working_days"},
        )
    assert refused.value.field == "acknowledge_unit"


def test_vietnamese_and_bank_rows_still_count_working_days():
    row = DeadlinePolicy.objects.get(regime="vn_law91", request_type="complaint")
    policy_services.deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"unit": "working_days"})
    assert DeadlinePolicy.objects.get(pk=row.pk).unit == "working_days"
