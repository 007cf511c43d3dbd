"""A customer leaving the bank asks to withdraw every consent. If her consent to share with a partner had
already been stopped (the branch recorded the end of her relationship first, or she switched it off in the
app the day before), the partner was told to stop then and may not have confirmed yet. Her withdrawal request
was answered "completed" at once, its page naming no recipient, while the partner still processed her data:
the request was followed only through the consents it withdrew itself. It now waits for, and shows, every
recipient still to stop processing for the purposes it covers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.services import consent_withdraw, duty_acknowledge
from core.errors import Conflict
from dsr import services
from dsr.selectors import request_recipients_told
from tests.consents.factories import STAFF, grant, life_event_recorded, make_purpose, make_recipient
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharing(subject):
    purpose = make_purpose("sharing", category="sharing", recipients=[make_recipient("Partner Y")])
    return grant(subject, purpose, now=timezone.now() - timedelta(days=3))


def _answer_waits_for_the_partner(subject, request):
    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=STAFF, request_id=request.pk)
    assert refused.value.code == "recipients_open"
    assert [duty.recipient.name for duty in request_recipients_told(request)] == ["Partner Y"]
    duty = WithdrawalDuty.objects.get(subject_id=subject.pk)
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Xác nhận đã dừng")
    assert services.request_complete(actor=STAFF, request_id=request.pk).status == "completed"


def test_a_withdrawal_of_everything_after_the_relationship_ended_waits_for_the_partner(subject, sharing):
    life_event_recorded(subject, "relationship_ended_on")
    _answer_waits_for_the_partner(subject, verified_request(subject, type="withdraw", now=timezone.now()))


def test_a_withdrawal_naming_a_purpose_already_switched_off_waits_for_its_partner(subject, sharing):
    consent_withdraw(actor=STAFF, consent_id=sharing.pk, channel="branch")
    request = verified_request(subject, type="withdraw", purposes=["sharing"], now=timezone.now())
    _answer_waits_for_the_partner(subject, request)


def test_a_stop_of_another_purpose_does_not_hold_up_the_answer(subject, sharing):
    consent_withdraw(actor=STAFF, consent_id=sharing.pk, channel="branch")
    grant(subject, make_purpose("marketing", category="marketing"), now=timezone.now() - timedelta(days=3))
    request = verified_request(subject, type="withdraw", purposes=["marketing"], now=timezone.now())
    assert request_recipients_told(request) == []
    assert services.request_complete(actor=STAFF, request_id=request.pk).status == "completed"


def test_the_answered_request_still_shows_the_partner_it_waited_for_and_no_later_stop(subject, sharing):
    consent_withdraw(actor=STAFF, consent_id=sharing.pk, channel="branch")
    request = verified_request(subject, type="withdraw", purposes=["sharing"], now=timezone.now())
    _answer_waits_for_the_partner(subject, request)
    # Months later she consents again and switches it off in the app: another stop, not this request's.
    consent_withdraw(actor=STAFF, consent_id=grant(subject, sharing.purpose).pk, channel="branch")
    request.refresh_from_db()
    told = request_recipients_told(request)
    assert [(duty.recipient.name, duty.status) for duty in told] == [("Partner Y", "acknowledged")]
