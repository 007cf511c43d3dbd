"""A guardian acts for a child only while their authority holds (domain notes, "People and roles": the
guardian exercises a child's rights after their authority is verified; from 16 the customer acts
alone). A request a guardian filed is verified, worked and answered on that guardian's authority, so
when the guardianship moves to someone else, or the ward turns 16, it can no longer be verified (no
one-time code goes to the former guardian's phone either) nor answered: staff refuse it, and the
current guardian or the customer files their own. Security review, round 2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.actors import Actor, actor_for_user
from core.errors import Conflict
from dsr import services as dsr_services
from dsr.models import DataSubjectRequest, IdentityMethod
from dsr.selectors import request_allowed_actions
from integrations.models import OutboxMessage
from subjects import services as subject_services
from tests.consents.factories import child_of

SYSTEM = Actor.system("review")


def guardianship_moves(child, *, to) -> None:
    """A court decision names another guardian, and the bank verifies the new guardian's authority."""
    subject_services.subject_rectify(
        actor=SYSTEM, subject_id=child.pk, changes={"guardian": to}, reason="court decision"
    )
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="court-order-7")


def filed_by(guardian, child, *, type="delete", now=None) -> DataSubjectRequest:
    return dsr_services.request_create(
        actor=SYSTEM, subject=child, guardian=guardian, type=type, channel="branch", now=now
    )


def verify(request, document_number, *, now=None, actor=SYSTEM):
    return dsr_services.request_verify_identity(
        actor=actor,
        request_id=request.pk,
        method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=document_number,
        now=now or timezone.now(),
    )


def test_a_former_guardians_open_request_cannot_be_verified_and_fulfilled(customer_a, customer_b):
    """A court decision moves the guardianship from A to B, and the bank verifies B. The deletion A
    filed for the child while still guardian must not go ahead on A's authority: the guardian acts
    only "after their authority is verified" (domain notes), and A's has ended. The identity check
    used to ask only whether *some* guardian was verified on the child."""
    former = customer_a.customer_account.subject
    new = customer_b.customer_account.subject
    child = child_of(former, age=10)
    request = filed_by(former, child)
    guardianship_moves(child, to=new)

    with pytest.raises(Conflict) as refused:
        verify(request, former.national_id)

    assert refused.value.code == "guardian_authority_ended"
    with translation.override("en"):
        assert "no longer acts for this customer" in refused.value.text
    request.refresh_from_db()
    assert (request.status, request.identity_verified_at) == ("received", None)
    # Nor can the new guardian's document verify a request they did not make.
    with pytest.raises(Conflict):
        verify(request, new.national_id)
    # No one-time code goes to the former guardian's phone.
    with pytest.raises(Conflict) as refused:
        dsr_services.request_identity_otp_send(actor=SYSTEM, request_id=request.pk)
    assert refused.value.code == "guardian_authority_ended"
    assert not OutboxMessage.objects.filter(topic="dsr.identity_code").exists()
    # Staff refuse it; the new guardian files their own.
    dsr_services.request_reject(
        actor=SYSTEM, request_id=request.pk, reason="identity_not_verified", note="Không xác minh được."
    )
    assert verify(filed_by(new, child), new.national_id).status == "in_progress"


def test_a_request_verified_before_the_guardianship_moved_is_not_answered(customer_a, customer_b):
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    request = verify(filed_by(former, child, type="access"), former.national_id)
    assert request.status == "in_progress"
    guardianship_moves(child, to=customer_b.customer_account.subject)

    with pytest.raises(Conflict) as refused:
        dsr_services.request_complete(actor=SYSTEM, request_id=request.pk)

    assert refused.value.code == "guardian_authority_ended"
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert not hasattr(request, "export") or request.export is None


def test_a_ward_who_turned_16_is_not_verified_on_the_guardians_authority_alone(customer_a):
    """From 16 the customer exercises their rights themselves: a request their guardian filed while they
    were 15 cannot be verified on the guardian's document once they have turned 16."""
    guardian = customer_a.customer_account.subject
    child = child_of(guardian, age=15)
    request = filed_by(guardian, child)
    sixteen = timezone.now() + timedelta(days=366)

    with pytest.raises(Conflict) as refused:
        verify(request, guardian.national_id, now=sixteen)

    assert refused.value.code == "ward_acts_alone"
    with translation.override("en"):
        assert "16" in refused.value.text and "themselves" in refused.value.text
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_verified_at is None
    # The day before, the guardian still acts for them.
    assert verify(request, guardian.national_id).status == "in_progress"


def test_the_api_answers_409_with_the_code(customer_a, customer_b, as_user, privacy_officer):
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    request = filed_by(former, child)
    guardianship_moves(child, to=customer_b.customer_account.subject)

    response = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/verify-identity/",
        {"method": "branch_documents", "document_type": "cccd", "document_number": former.national_id},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "guardian_authority_ended"
    assert "no longer acts for this customer" in response.json()["detail"]


def test_the_page_shows_the_refusal_on_the_form_and_offers_no_answer(
    customer_a, customer_b, client, privacy_officer
):
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    verified = verify(filed_by(former, child, type="access"), former.national_id)
    pending = filed_by(former, child, type="copy")
    guardianship_moves(child, to=customer_b.customer_account.subject)
    client.force_login(privacy_officer)

    with translation.override("en"):
        url = reverse("dsr:act", args=[pending.pk, "verify"])
        detail_url = reverse("dsr:detail", args=[verified.pk])
    refused = client.post(
        url, {"method": "branch_documents", "document_type": "cccd", "document_number": former.national_id}
    )
    assert refused.status_code == 400
    assert "no longer acts for this customer" in refused.content.decode()
    # The verified one is not offered for an answer; the page says why, and offers the refusal.
    verified.refresh_from_db()
    actions = request_allowed_actions(verified, privacy_officer)
    assert "complete" not in actions and "reject" in actions
    page = client.get(detail_url).content.decode()
    assert 'data-testid="guardian-authority"' in page and "no longer acts for this customer" in page
    dsr_services.request_reject(
        actor=actor_for_user(privacy_officer), request_id=verified.pk, reason="identity_not_verified",
        note="Không xác minh được.",
    )


def test_a_former_guardians_request_is_not_offered_for_verification(
    customer_a, customer_b, client, privacy_officer
):
    """The page offers only what would succeed: verifying (or sending a code for) a request whose
    guardian no longer acts is refused, so neither is offered; the refusal is."""
    former, other = customer_a.customer_account.subject, customer_b.customer_account.subject
    child = child_of(former, age=10)
    moved = filed_by(former, child, type="access")
    still = filed_by(other, child_of(other, age=8))
    guardianship_moves(child, to=other)
    client.force_login(privacy_officer)
    moved.refresh_from_db()

    actions = request_allowed_actions(moved, privacy_officer)
    assert "verify" not in actions and "reject" in actions
    # A guardian who still acts is offered the check as before.
    assert "verify" in request_allowed_actions(still, privacy_officer)
    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[moved.pk])).content.decode()
    assert 'data-testid="guardian-authority"' in page
    assert 'data-testid="verify-form"' not in page and 'data-testid="send-code"' not in page


def test_a_ward_who_turned_16_is_not_offered_for_verification_on_the_guardians_authority(
    customer_a, privacy_officer
):
    guardian = customer_a.customer_account.subject
    request = filed_by(guardian, child_of(guardian, age=15))
    sixteen = timezone.now() + timedelta(days=366)
    assert "verify" in request_allowed_actions(request, privacy_officer)
    assert "verify" not in request_allowed_actions(request, privacy_officer, now=sixteen)


def _waiting_for_the_customer(former, child):
    """A former guardian's access request, verified and in progress, then put on waiting for the
    customer; then the guardianship moves to someone else."""
    request = verify(filed_by(former, child, type="access"), former.national_id)
    return dsr_services.request_transition(
        actor=SYSTEM, request_id=request.pk, to="awaiting_customer", note="Which account?"
    )


def test_a_former_guardians_request_does_not_go_back_to_work_after_waiting(customer_a, customer_b):
    """Only verifying and answering were refused: staff (or an answer to the bank's question) could
    still take the request back to "in progress" after the guardianship had moved, and work it on an
    authority that had ended. Every move that takes the request further is refused the same way;
    refusing it stays possible."""
    former, new = customer_a.customer_account.subject, customer_b.customer_account.subject
    child = child_of(former, age=10)
    waiting = _waiting_for_the_customer(former, child)
    guardianship_moves(child, to=new)

    with pytest.raises(Conflict) as refused:
        dsr_services.request_transition(actor=SYSTEM, request_id=waiting.pk, to="in_progress")
    assert refused.value.code == "guardian_authority_ended"
    # Nor back to identity checks, nor through the answer to the bank's question (the child's own).
    with pytest.raises(Conflict):
        dsr_services.request_transition(actor=SYSTEM, request_id=waiting.pk, to="verifying_identity")
    with pytest.raises(Conflict) as refused:
        dsr_services.request_customer_reply(
            actor=SYSTEM, request_id=waiting.pk, subject=child, text="The savings account."
        )
    assert refused.value.code == "guardian_authority_ended"
    assert DataSubjectRequest.objects.get(pk=waiting.pk).status == "awaiting_customer"

    assert dsr_services.request_reject(
        actor=SYSTEM, request_id=waiting.pk, reason="identity_not_verified",
        note="Không xác minh được.",
    ).status == "rejected"


def test_a_former_guardians_request_is_neither_acknowledged_nor_put_on_waiting(customer_a, customer_b):
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    received = filed_by(former, child)
    in_progress = verify(filed_by(former, child, type="access"), former.national_id)
    guardianship_moves(child, to=customer_b.customer_account.subject)

    with pytest.raises(Conflict):
        dsr_services.request_acknowledge(actor=SYSTEM, request_id=received.pk)
    with pytest.raises(Conflict):
        dsr_services.request_transition(
            actor=SYSTEM, request_id=in_progress.pk, to="awaiting_customer", note="Which account?"
        )
    assert DataSubjectRequest.objects.get(pk=received.pk).status == "received"
    assert DataSubjectRequest.objects.get(pk=in_progress.pk).status == "in_progress"
    # The refusal still acknowledges receipt (both clocks' acknowledgement is met).
    rejected = dsr_services.request_reject(
        actor=SYSTEM, request_id=received.pk, reason="identity_not_verified",
        note="Không xác minh được.",
    )
    assert rejected.acknowledged_at is not None


def test_the_page_offers_only_the_refusal_on_a_former_guardians_waiting_request(
    customer_a, customer_b, privacy_officer
):
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    waiting = _waiting_for_the_customer(former, child)
    received = filed_by(former, child)
    assert "resume" in request_allowed_actions(waiting, privacy_officer)
    assert "acknowledge" in request_allowed_actions(received, privacy_officer)
    guardianship_moves(child, to=customer_b.customer_account.subject)
    waiting.refresh_from_db()
    received.refresh_from_db()

    actions = request_allowed_actions(waiting, privacy_officer)
    assert {"resume", "pause", "verify", "complete"}.isdisjoint(actions) and "reject" in actions
    assert {"acknowledge", "verify"}.isdisjoint(request_allowed_actions(received, privacy_officer))
    # Nor is the former guardian offered to answer the bank's question.
    assert "reply" not in request_allowed_actions(waiting, customer_a)


def test_a_former_guardians_withdrawal_in_force_is_completed_not_left_open(
    customer_a, customer_b, privacy_officer
):
    """A withdrawal is put in force at verification, on the guardian's authority while it held; from
    then on it can no longer be refused or cancelled. When the guardianship then moved, completing it
    was refused too, so the request stayed open for ever and breached its deadlines. Completing it only
    records what was already done: it stays possible; nothing else that takes the request further is."""
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    request = verify(filed_by(former, child, type="withdraw"), former.national_id)
    assert request.withdrawal_applied_at is not None
    guardianship_moves(child, to=customer_b.customer_account.subject)
    request.refresh_from_db()

    actions = request_allowed_actions(request, privacy_officer)
    assert "complete" in actions
    assert {"reject", "pause", "verify"}.isdisjoint(actions)
    assert "cancel" not in request_allowed_actions(request, customer_a)
    with pytest.raises(Conflict) as refused:
        dsr_services.request_transition(
            actor=SYSTEM, request_id=request.pk, to="awaiting_customer", note="Which account?"
        )
    assert refused.value.code == "guardian_authority_ended"
    with pytest.raises(Conflict) as refused:
        dsr_services.request_reject(
            actor=SYSTEM, request_id=request.pk, reason="identity_not_verified", note="Không xác minh được."
        )
    assert refused.value.code == "withdrawal_in_force"

    closed = dsr_services.request_complete(actor=actor_for_user(privacy_officer), request_id=request.pk)

    assert closed.status == "completed"
    assert not closed.is_open


def test_the_page_says_to_complete_a_former_guardians_withdrawal_in_force(
    customer_a, customer_b, client, privacy_officer
):
    """The page told staff "Nothing was done on their authority. Refuse the request" about a withdrawal
    put in force while the guardian still acted, which can no longer be refused."""
    former = customer_a.customer_account.subject
    child = child_of(former, age=10)
    request = verify(filed_by(former, child, type="withdraw"), former.national_id)
    guardianship_moves(child, to=customer_b.customer_account.subject)
    client.force_login(privacy_officer)

    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()

    assert 'data-testid="guardian-authority"' in page and "no longer acts for this customer" in page
    assert "Nothing was done on their authority" not in page and "Refuse the request" not in page
    assert "already in force" in page
