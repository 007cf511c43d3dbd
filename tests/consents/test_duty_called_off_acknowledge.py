"""A stop called off (its restriction request cancelled or refused before the recipient confirmed) is
not confirmed afterwards: the refusal says it was called off, with its own code, not that it was
already acknowledged (nobody acknowledged it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from consents import services as consent_services
from consents.api.serializers import DutyOutputSerializer
from consents.models import WithdrawalDuty, WithdrawalDutyStatusChange
from core.errors import Conflict
from dsr import services
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def called_off():
    subject = make_subject()
    partner = make_recipient("Bảo hiểm Đối tác", client=UserFactory(role="integration_client"))
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    request = verified_request(subject, type="restrict", purposes=["partner-sharing"])
    services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))
    duty = WithdrawalDuty.objects.select_related("recipient__client").get(recipient=partner)
    assert duty.status == WithdrawalDuty.Status.CALLED_OFF
    return duty


def test_confirming_a_called_off_stop_is_refused_as_called_off(called_off):
    with translation.override("en"), pytest.raises(Conflict) as refused:
        consent_services.duty_acknowledge(actor=STAFF, duty_id=called_off.pk, note="letter received")
    assert (refused.value.status, refused.value.code) == (409, "called_off")
    assert "called off" in refused.value.text
    assert WithdrawalDuty.objects.get(pk=called_off.pk).status == WithdrawalDuty.Status.CALLED_OFF


def test_the_recipient_confirming_it_through_the_api_gets_409_called_off(called_off, as_user):
    moves = WithdrawalDutyStatusChange.objects.filter(duty=called_off).count()
    answer = as_user(called_off.recipient.client).post(
        f"/api/v1/withdrawal-duties/{called_off.pk}/acknowledge/", {}
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "called_off")
    assert WithdrawalDutyStatusChange.objects.filter(duty=called_off).count() == moves


def test_the_duty_schema_says_a_stop_on_a_no_consent_purpose_has_no_consent_either():
    help_text = str(DutyOutputSerializer().fields["consent"].help_text)
    assert "correction" in help_text and "stop" in help_text
