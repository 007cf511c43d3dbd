"""The customer's page of their request shows the identity steps exactly when
`customer_identity_step_offered` says so, and the verifying service takes the check exactly then:
in every status, once verified, and for a guardian whose authority has ended."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.actors import Actor
from core.errors import DomainError
from dsr import services as dsr_services
from dsr.models import DataSubjectRequest, IdentityMethod
from dsr.selectors import customer_identity_step_offered
from dsr.states import RequestStatus
from tests.consents.factories import child_of
from tests.dsr.test_identity_guardian_authority import filed_by, guardianship_moves
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
CASES = [*RequestStatus.values, "verified", "former_guardian"]
FULFILMENT = {RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED, RequestStatus.PARTIALLY_COMPLETED}


def _request_in(case: str, customer_a, customer_b) -> tuple[DataSubjectRequest, object]:
    """The request, and the requester whose document verifies it."""
    own = customer_a.customer_account.subject
    if case == "former_guardian":
        child = child_of(own, age=10)
        request = filed_by(own, child)
        guardianship_moves(child, to=customer_b.customer_account.subject)
        return DataSubjectRequest.objects.get(pk=request.pk), own
    request = dsr_services.request_create(actor=SYSTEM, subject=own, type="access", channel="branch")
    rows = DataSubjectRequest.objects.filter(pk=request.pk)
    if case == "verified":
        rows.update(identity_verified_at=timezone.now())
    elif case in FULFILMENT:  # the table lets no request this far unverified
        rows.update(status=case, identity_verified_at=timezone.now(), outcome_reason="other")
    else:
        rows.update(status=case, outcome_reason="other")
    return rows.get(), own


@pytest.mark.parametrize("case", CASES)
def test_the_page_and_the_service_agree_with_the_selector(customer_a, customer_b, case):
    request, requester = _request_in(case, customer_a, customer_b)
    offered = customer_identity_step_offered(request, now=timezone.now())

    page = signed_in(customer_a).get(f"/en/me/requests/{request.pk}/")
    # A former guardian no longer sees the child's request at all (404): no step either.
    assert page.status_code == (404 if case == "former_guardian" else 200)
    assert ('data-testid="identity-steps"' in page.content.decode()) is offered
    try:
        dsr_services.request_verify_identity(
            actor=SYSTEM,
            request_id=request.pk,
            method=IdentityMethod.BRANCH_DOCUMENTS,
            document_number=requester.national_id,
            now=timezone.now(),
        )
        accepted = True
    except DomainError:
        accepted = False
    assert accepted is offered
