"""Rectification: a value the answer would refuse is refused at intake, by the same checks; a correction
that can no longer be applied at the answer leaves the rest answerable in part, saying which and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import AuditEntry
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from dsr import services
from dsr.models import FulfilmentTask
from subjects.services import subject_rectify
from tests.dsr.factories import STAFF, make_inventory, make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

NEW_PHONE = "0912345678"
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#tests")


# ---------------------------------------------------------------------------- refused at intake


def test_rectification_refuses_a_future_date_of_birth_at_intake(subject):
    make_inventory()
    future = (timezone.localdate() + timedelta(days=400)).isoformat()
    # Intake says it checks the values "so the customer hears of a typo at intake rather than at the
    # answer"; a date of birth in the future was accepted at intake and only failed at completion.
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={"date_of_birth": future})
    assert error.value.field == "corrections"
    with translation.override("en"):
        assert error.value.text == "The date of birth cannot be in the future."


def test_rectification_refuses_a_national_id_another_customer_holds_at_intake(subject):
    make_inventory()
    other = make_subject()
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={"national_id": other.national_id})
    assert error.value.field == "corrections"
    # Staff read what the answer would have told them: which customer number holds it.
    with pytest.raises(Conflict) as at_completion:
        subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"national_id": other.national_id})
    assert error.value.text == at_completion.value.text
    assert other.external_ref in error.value.text


@pytest.mark.parametrize(
    "actor, channel",
    [
        (CUSTOMER, "internet_banking"),
        # The mobile app files its customer's request and shows them the refusal.
        (Actor(kind="client", user_id=None, label="mobile-app"), "api"),
    ],
)
def test_a_customer_is_refused_another_customers_national_id_without_learning_whose_it_is(
    subject, actor, channel
):
    other = make_subject()
    with pytest.raises(InvalidInput) as error:
        make_request(
            subject, type="rectify", actor=actor, channel=channel,
            corrections={"national_id": other.national_id},
        )
    assert error.value.field == "corrections"
    with translation.override("en"):
        # Neither whose record holds it nor that it is another customer's.
        assert other.external_ref not in error.value.text and "customer" not in error.value.text.lower()


def test_the_ekyc_adult_check_is_not_a_customers_correction(subject):
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={"adult_verified": "True"})
    assert error.value.field == "corrections"


# ---------------------------------------------------------------------------- answered in part


def test_rectification_with_a_value_refused_at_completion_can_still_be_answered_partly(subject):
    """A citizen ID free at intake reaches another customer's record before the answer (core banking
    registered a customer meanwhile): answered in full the request is refused, in part the other
    correction is applied and the answer says which one was left out and why."""
    make_inventory()
    taken = "079123456789"
    request = verified_request(
        subject, type="rectify", corrections={"national_id": taken, "phone": NEW_PHONE}
    )
    own_national_id = subject.national_id
    other = make_subject(national_id=taken)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    with pytest.raises(Conflict):
        services.request_complete(actor=STAFF, request_id=request.pk)

    answered = services.request_complete(
        actor=STAFF, request_id=request.pk, partial=True, reason="legal_prohibition",
        note="ID held by another",
    )

    assert answered.status == "partially_completed"
    subject.refresh_from_db()
    assert (subject.phone, subject.national_id) == (NEW_PHONE, own_national_id)
    assert "CCCD" in answered.outcome_note and "ID held by another" in answered.outcome_note
    assert other.external_ref not in answered.outcome_note
    left_out = AuditEntry.objects.get(action="dsr.request.corrections_left_out", subject_id=subject.pk)
    assert left_out.data == {"fields": {"national_id": "duplicate_national_id"}}
