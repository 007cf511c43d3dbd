"""Two answers for one purpose dated the same instant (an offline answer may carry exactly the time of the
customer's latest one): the one recorded later replaced the other, and the consent check `?at=` and the
consents-at-a-moment page both read it, whatever the order the database returns equal times in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import ConsentState, ConsentStatus
from consents.selectors import consent_check_as_of, consent_states_at
from subjects.models import DataSubject
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]


def _answer(api, subject, outcome, at):
    body = {
        "subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
        "channel": "mobile_app", "outcome": outcome, "answered_at": at.isoformat(),
    }
    response = api.post("/api/v1/consents/", body, format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("first", "then"), [("refused", "granted"), ("granted", "refused")])
def test_the_answer_recorded_later_wins_a_tie_on_the_check_and_the_page(as_user, client_user, first, then):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(created_at=timezone.now() - timedelta(days=3))
    subject.refresh_from_db()
    api, instant = as_user(client_user, SCOPES), timezone.now() - timedelta(hours=2)
    _answer(api, subject, first, instant)
    if first == "granted":
        withdrawn = api.post(
            f"/api/v1/consents/{ConsentState.objects.get().consent_id}/withdraw/",
            {"channel": "mobile_app", "answered_at": instant.isoformat()}, format="json",
        )
        assert withdrawn.status_code in (200, 201), withdrawn.json()
    _answer(api, subject, then, instant)
    assert ConsentState.objects.get().status == then

    later = instant + timedelta(minutes=1)
    page = next(row for row in consent_states_at(subject, at=later) if row.purpose.code == "marketing")
    check = consent_check_as_of(subject_ref=subject.external_ref, purpose_code="marketing", at=later)

    assert page.status == then
    assert check.allowed is (then == ConsentStatus.GRANTED)
