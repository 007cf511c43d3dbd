"""Data a deletion could not erase because a law keeps it stays under a legal hold, and serves only that
legal obligation: it is disclosed to no third party. While a legal hold reaching disclosure to third
parties is in force (one naming no purpose, as a deletion's does), a new authorisation is refused (409
`legal_hold`, nothing written, on the consent screen before any code too) and a live one allows no read
(the claim's 409 `legal_hold`, introspection inactive)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from authorisations import selectors, services
from authorisations.models import AccessRecord
from consents.models import ProcessingRestriction
from consents.services import restrictions_apply_in_transaction
from core.actors import Actor, actor_for_user
from core.errors import Conflict
from dsr import services as dsr_services
from dsr.models import FulfilmentTask
from tests.authorisations.factories import authorise, grant_refused, in_english_and_vietnamese, register
from tests.consents.factories import make_purpose
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db
GATEWAY = Actor(kind="client", user_id=None, label="gateway")


def _deletion_completed_under_a_hold(subject, *, worker, approver):
    """A deletion carried out in full: what no law keeps erased, the transactions held under AML."""
    make_inventory()
    request = verified_request(subject, type="delete", actor=worker, now=timezone.now())
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        dsr_services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    dsr_services.request_approve(actor=approver, request_id=request.pk)
    return dsr_services.request_complete(actor=worker, request_id=request.pk)


def _hold(subject, *, purposes=None):
    with transaction.atomic():
        restrictions_apply_in_transaction(
            actor=Actor.system("test"), subject=subject, purposes=purposes,
            kind=ProcessingRestriction.Kind.LEGAL_HOLD, source="dsr.hold:test", now=timezone.now(),
        )


def test_after_a_deletion_the_held_data_is_given_to_no_new_third_party(customer1, privacy_officer, dpo):
    subject = customer1.customer_account.subject
    done = _deletion_completed_under_a_hold(
        subject, worker=actor_for_user(privacy_officer), approver=actor_for_user(dpo)
    )
    assert done.status == "partially_completed"
    registration = register(legal_name="Công ty Kế toán Số")

    refused = grant_refused(customer1, registration, scopes=["transactions:read"])

    assert (refused.code, refused.status) == ("legal_hold", 409)
    english, vietnamese = in_english_and_vietnamese(refused)
    assert "Công ty Kế toán Số" in english and "legal hold" in english
    assert "Công ty Kế toán Số" in vietnamese and vietnamese != english


def test_a_legal_hold_in_force_stops_the_reads_of_a_live_authorisation(authorised, gateway):
    authorisation, tokens = authorised
    assert selectors.token_introspect(token=tokens["access_token"], now=timezone.now())["active"]

    _hold(authorisation.subject)

    assert selectors.token_introspect(token=tokens["access_token"], now=timezone.now()) == {"active": False}
    with pytest.raises(Conflict) as refused:
        services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")
    assert (refused.value.code, refused.value.status) == ("legal_hold", 409)
    assert not AccessRecord.objects.filter(authorisation=authorisation).exists()
    answer = gateway.post(
        f"/api/v1/authorisations/{authorisation.pk}/reads/", {"scope": "accounts:read"}, format="json",
        HTTP_IDEMPOTENCY_KEY="hold-1",
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "legal_hold")


def test_a_hold_over_another_purpose_leaves_third_party_access_alone(authorised, customer1):
    authorisation, tokens = authorised
    marketing = make_purpose("marketing", category="marketing")

    _hold(authorisation.subject, purposes=[marketing])

    assert selectors.token_introspect(token=tokens["access_token"], now=timezone.now())["active"]
    record = services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")
    assert record.claimed
    assert authorise(customer1, registration=register()).status == "active"
