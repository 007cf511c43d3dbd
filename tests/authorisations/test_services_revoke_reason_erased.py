"""A completed deletion erases the customer's own words on their revocations of third-party access (the
reason they gave, by themselves or through staff on their instruction), as it erases their reasons for
withdrawing a consent: the event reads `REASON_ERASED` and so does its frozen receipt, in that one field
only. The platform's own reasons (a request's reference, a replaced authorisation) stay."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import AuthorisationEvent
from consents.models import REASON_ERASED
from core.actors import actor_for_user
from tests.authorisations.factories import authorise, register
from tests.dsr.factories import make_inventory
from tests.dsr.test_erasure_safeguards import _complete_deletion

pytestmark = pytest.mark.django_db
OWN_WORDS = "Tôi không còn dùng ứng dụng của Trần Thị B, số 0912345678"
TOLD_AT_BRANCH = "Khách nói đã đổi sang ngân hàng khác"


def _revoked(authorisation) -> AuthorisationEvent:
    return AuthorisationEvent.objects.get(authorisation=authorisation, kind="revoked")


def test_a_completed_deletion_erases_the_customers_revoke_reasons_and_only_them(customer1, officer,
                                                                                 privacy_officer, dpo):
    make_inventory()
    subject = customer1.customer_account.subject
    own, at_branch = authorise(customer1), authorise(customer1)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=own.pk, subject=subject,
        channel="internet_banking", reason=OWN_WORDS,
    )
    services.authorisation_revoke(
        actor=actor_for_user(officer), authorisation_id=at_branch.pk, channel="branch",
        evidence="Phiếu yêu cầu PF-7", reason=TOLD_AT_BRANCH,
    )
    registration = register()
    replaced = authorise(customer1, registration=registration)
    authorise(customer1, registration=registration)  # replaces it: the platform's own reason
    left_live = authorise(customer1)  # revoked by the deletion's verification, naming the request
    receipts = {e.pk: e.receipt for e in AuthorisationEvent.objects.filter(authorisation__subject=subject)}

    request = _complete_deletion(subject, privacy_officer, dpo)

    for authorisation in (own, at_branch):
        event = _revoked(authorisation)
        assert event.reason == REASON_ERASED
        expected = json.loads(receipts[event.pk])
        expected["event"]["reason"] = REASON_ERASED
        assert event.receipt == json.dumps(expected, ensure_ascii=False, sort_keys=True)
    assert _revoked(replaced).reason == "replaced by a new authorisation"
    assert _revoked(left_live).reason == f"dsr.request:{request.pk}"
    others = AuthorisationEvent.objects.filter(authorisation__subject=subject).exclude(
        authorisation__in=[own, at_branch], kind="revoked"
    )
    assert all(e.receipt == receipts[e.pk] for e in others if e.pk in receipts)
    erased = AuditEntry.objects.get(action="dsr.platform.erased", subject_id=subject.pk)
    assert erased.data["revoke_reasons"] == 2


def test_an_erasure_run_again_finds_nothing_more(customer1, privacy_officer, dpo):
    make_inventory()
    subject = customer1.customer_account.subject
    own = authorise(customer1)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=own.pk, subject=subject,
        channel="mobile_app", reason=OWN_WORDS,
    )
    _complete_deletion(subject, privacy_officer, dpo)
    receipt = _revoked(own).receipt
    assert services.authorisation_reasons_erase(subject_id=subject.pk) == 0
    assert _revoked(own).receipt == receipt
