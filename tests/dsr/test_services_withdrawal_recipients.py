"""A withdrawal request is answered once every recipient the consent covered confirmed it stopped
(consents.services.duties: "the withdrawal is complete when no duty of it is open"), and a recipient
that must stop gives the law's longer period (Law 91: 20 days instead of 15)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from consents.models import WithdrawalDuty
from consents.services import duty_acknowledge
from core.actors import actor_for_user
from core.errors import Conflict
from dsr import services
from dsr.models import RequestClockEvent
from dsr.selectors import request_allowed_actions
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, end_of, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_with_a_partner(subject):
    """The customer's consent to share with Partner Insurance, and the withdrawal request of it."""
    grant(subject, _partner_sharing(), now=MONDAY - timedelta(days=1))
    return verified_request(subject, type="withdraw", purposes=["partner-sharing"])


def _partner_sharing():
    """Offered since before the request's Monday, so the consent it withdraws can predate it."""
    return make_purpose("partner-sharing", category="sharing", recipients=[make_recipient()],
                        effective_at=MONDAY - timedelta(days=30))


def _duty(subject) -> WithdrawalDuty:
    return WithdrawalDuty.objects.get(subject_id=subject.pk)


def test_a_withdrawal_is_not_completed_while_a_recipient_has_not_stopped(subject, shared_with_a_partner):
    request = shared_with_a_partner
    assert _duty(subject).status == "open"
    # Answered in full, or in part "for another reason": the recipient still processes either way.
    for answer in ({}, {"partial": True, "reason": "other", "note": "Đối tác chưa xác nhận"}):
        with pytest.raises(Conflict) as refused:
            services.request_complete(
                actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=5), **answer
            )
        assert refused.value.code == "recipients_open"
        assert "Partner Insurance" in refused.value.text
    request.refresh_from_db()
    assert request.status == "in_progress"

    duty_acknowledge(
        actor=STAFF, duty_id=_duty(subject).pk, note="Thư xác nhận", now=MONDAY + timedelta(hours=6)
    )
    done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=7))
    assert done.status == "completed"


def test_a_recipient_that_must_stop_gives_the_longer_statutory_period(subject, shared_with_a_partner):
    request = shared_with_a_partner
    assert request.processor_involved
    assert request.statutory_due_at == end_of(date(2026, 3, 29))  # 20 days, not 15
    assert request.due_at == MONDAY + timedelta(hours=72)  # the bank's row has no longer period
    event = RequestClockEvent.objects.get(request=request, kind="processor")
    assert event.statutory_due_at == request.statutory_due_at


def test_a_withdrawal_no_recipient_received_keeps_the_short_period(subject):
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    request = verified_request(subject, type="withdraw", purposes=["marketing-offers"])
    assert not request.processor_involved
    assert request.statutory_due_at == end_of(date(2026, 3, 24))
    assert services.request_complete(actor=STAFF, request_id=request.pk).status == "completed"


def test_the_staff_page_shows_which_recipients_are_still_open(
    subject, shared_with_a_partner, logged_in, privacy_officer
):
    request = shared_with_a_partner
    assert "complete" not in request_allowed_actions(request, privacy_officer)
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="recipients-open"' in page
    assert "Partner Insurance" in page
    assert 'data-testid="complete"' not in page

    duty_acknowledge(actor=actor_for_user(privacy_officer), duty_id=_duty(subject).pk, note="Thư xác nhận")
    assert "complete" in request_allowed_actions(request, privacy_officer)
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="recipients-open"' not in page
    assert 'data-testid="complete"' in page


def test_the_api_refuses_completion_with_the_recipients_still_open(
    subject, shared_with_a_partner, as_user, privacy_officer
):
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{shared_with_a_partner.pk}/"
    assert "complete" not in client.get(base).json()["allowed_actions"]
    refused = client.post(base + "complete/", {}, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "recipients_open"
    assert "Partner Insurance" in json_text(body)


def json_text(body) -> str:
    return " ".join(str(value) for value in body.values())


def test_a_withdrawal_verified_before_it_took_effect_at_once_is_put_in_force_first(subject):
    """A request an earlier release verified without putting the withdrawal in force: completing it
    would tell its recipients to stop and answer in one go, before any could confirm. It is refused,
    nothing is withdrawn, and the upgrade command (docs/deployment.md) puts it in force on its own."""
    from django.core.management import call_command

    from consents.models import Consent
    from dsr.models import DataSubjectRequest

    purpose = _partner_sharing()
    request = verified_request(subject, type="withdraw", purposes=["partner-sharing"])
    DataSubjectRequest.objects.filter(pk=request.pk).update(withdrawal_applied_at=None)
    consent = grant(subject, purpose, now=MONDAY - timedelta(days=1))  # live when the request came in

    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=STAFF, request_id=request.pk)
    assert refused.value.code == "withdrawal_not_in_force"
    assert Consent.objects.get(pk=consent.pk).status == "granted"
    assert not WithdrawalDuty.objects.exists()

    call_command("apply_verified_withdrawals", stdout=io.StringIO())
    assert Consent.objects.get(pk=consent.pk).status == "withdrawn"
    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=STAFF, request_id=request.pk)
    assert refused.value.code == "recipients_open"
    duty_acknowledge(actor=STAFF, duty_id=_duty(subject).pk, note="Thư xác nhận")
    assert services.request_complete(actor=STAFF, request_id=request.pk).status == "completed"
