"""Need to know on an authorisation's receipt (`GET /api/v1/authorisations/{id}/receipt/`): staff read the
customer's own words, the reason they gave for revoking, only with an X-Access-Reason, which the audit
trail records; without it the reason reads `***` and nothing else of the receipt changes. The customer
reads their own receipt as it was issued."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import AuthorisationEvent
from core.actors import actor_for_user
from subjects.disclosure import MASKED_TEXT
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db
OWN_WORDS = "Tôi không còn dùng ứng dụng của Trần Thị B, số 0912345678"


@pytest.fixture
def revoked(customer1):
    authorisation = authorise(customer1)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
        subject=customer1.customer_account.subject, channel="internet_banking", reason=OWN_WORDS,
    )
    return authorisation, AuthorisationEvent.objects.get(authorisation=authorisation, kind="revoked")


def _url(authorisation) -> str:
    return f"/api/v1/authorisations/{authorisation.pk}/receipt/"


def _views(subject_id):
    return AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject_id)


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "dpo", "auditor"])
def test_staff_read_the_revoke_reason_masked_without_a_reason(role, revoked, as_user, request):
    authorisation, event = revoked
    answer = as_user(request.getfixturevalue(role)).get(_url(authorisation))
    assert answer.status_code == 200
    assert OWN_WORDS not in answer.content.decode()
    expected = json.loads(event.receipt)
    expected["event"]["reason"] = MASKED_TEXT
    assert answer.json() == expected
    view = _views(authorisation.subject_id).get()
    assert view.data["context"] == "api.authorisation_receipt" and view.data["revealed"] is False


def test_staff_who_give_a_reason_read_the_receipt_as_issued_and_the_reason_is_recorded(revoked, officer,
                                                                                         as_user):
    authorisation, event = revoked
    answer = as_user(officer).get(_url(authorisation), HTTP_X_ACCESS_REASON="Khiếu nại KN-2026-0042")
    assert answer.status_code == 200
    assert answer.content.decode() == event.receipt
    view = _views(authorisation.subject_id).get()
    assert view.data["revealed"] is True and view.data["reason"] == "Khiếu nại KN-2026-0042"


def test_a_blank_access_reason_is_refused(revoked, officer, as_user):
    authorisation, _event = revoked
    answer = as_user(officer).get(_url(authorisation), HTTP_X_ACCESS_REASON="   ")
    assert answer.status_code == 400
    assert "X-Access-Reason" in answer.json()
    assert not _views(authorisation.subject_id).exists()


def test_the_customer_reads_their_own_receipt_as_issued(revoked, browser1):
    authorisation, event = revoked
    answer = browser1.get(_url(authorisation))
    assert answer.status_code == 200
    assert answer.content.decode() == event.receipt
    assert not _views(authorisation.subject_id).exists()
