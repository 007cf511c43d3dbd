"""A completed deletion withdraws the customer's consents in its own transaction: the consent check
answers "withdrawn" from then on, during a legal hold and after it ends, and the recipients of what
the customer shared are told to stop; the deletion's page shows who was told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.selectors import consent_check
from core.actors import actor_for_user
from dsr import services
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import approved_deletion, make_inventory, make_platform

pytestmark = pytest.mark.django_db


def _deleted(subject, privacy_officer, dpo):
    worker = actor_for_user(privacy_officer)
    request = approved_deletion(subject, worker=worker, approver=actor_for_user(dpo))
    return services.request_complete(actor=worker, request_id=request.pk)


def _granted_before(subject, purpose):
    return grant(subject, purpose, now=timezone.now() - timedelta(minutes=5))


def test_marketing_is_withdrawn_once_the_customer_is_erased(subject, privacy_officer, dpo):
    make_platform()
    _granted_before(subject, make_purpose("marketing-offers", category="marketing"))
    done = _deleted(subject, privacy_officer, dpo)
    assert done.status == "completed"
    answer = consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers")
    assert (answer.allowed, answer.reason) == (False, "withdrawn")


def test_marketing_stays_withdrawn_when_the_legal_hold_ends(subject, privacy_officer, dpo):
    make_inventory()
    _granted_before(subject, make_purpose("marketing-offers", category="marketing"))
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=timezone.localdate() - timedelta(days=1)
    )
    assert _deleted(subject, privacy_officer, dpo).status == "partially_completed"
    assert services.legal_holds_release_due(now=timezone.now() + timedelta(days=366 * 6)) > 0
    answer = consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers")
    assert (answer.allowed, answer.reason) == (False, "withdrawn")


def test_the_recipients_of_sharing_are_told_to_stop_without_holding_up_the_answer(
    subject, privacy_officer, dpo, client
):
    make_platform()
    insurer = make_recipient("Partner Insurance")
    _granted_before(subject, make_purpose("bancassurance", category="sharing", recipients=[insurer]))
    done = _deleted(subject, privacy_officer, dpo)
    assert done.status == "completed"
    stops = WithdrawalDuty.objects.stops().filter(recipient=insurer, subject=subject)
    assert [duty.status for duty in stops] == [WithdrawalDuty.Status.OPEN]
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[done.pk])).content.decode()
    assert 'data-testid="stop-notices"' in page
    assert "Partner Insurance" in page
