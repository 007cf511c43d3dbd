"""The check as of a past moment answers a former or deceased customer as the live check does: a send
the marketing agency made after the customer's death or the end of the relationship is not proved
lawful by a consent still on file from before the stops existed (an upgrade's data)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.selectors import consent_check, consent_check_as_of
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _granted_and_ended(field: str, *, days_ago: int):
    customer = make_subject()
    published = timezone.now() - timedelta(days=90)
    marketing = make_purpose("marketing", category="marketing", effective_at=published)
    grant(customer, marketing, now=timezone.now() - timedelta(days=60))
    recorded_day = timezone.localdate() - timedelta(days=days_ago)
    DataSubject.objects.filter(pk=customer.pk).update(**{field: recorded_day})
    return customer


@pytest.mark.parametrize(("field", "reason"), [("relationship_ended_on", "relationship_ended"),
                                                ("deceased_on", "deceased")])
def test_the_check_as_of_a_moment_after_the_end_agrees_with_the_live_check(field, reason):
    customer = _granted_and_ended(field, days_ago=10)

    live = consent_check(subject_ref=customer.external_ref, purpose_code="marketing")
    then = consent_check_as_of(
        subject_ref=customer.external_ref, purpose_code="marketing", at=timezone.now() - timedelta(days=2)
    )

    assert (live.allowed, live.reason) == (False, reason)
    assert (then.allowed, then.reason) == (False, reason)


def test_the_check_as_of_a_moment_before_the_end_still_answers_the_consent():
    customer = _granted_and_ended("deceased_on", days_ago=10)

    then = consent_check_as_of(
        subject_ref=customer.external_ref, purpose_code="marketing", at=timezone.now() - timedelta(days=20)
    )

    assert (then.allowed, then.reason) == (True, "granted")
