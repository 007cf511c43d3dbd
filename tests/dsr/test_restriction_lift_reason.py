"""Lifting a restriction or objection says why (the customer asked, its ground ended, the accuracy check
finished, or another reason explained), recorded with its audit entry and shown on the request page;
the customer is told, in their language, by the usual message path. Without a reason: 400."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.selectors import consent_check
from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import RestrictionLift
from dsr.selectors import restriction_in_force
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, by_document, make_request, verified_request

pytestmark = pytest.mark.django_db


def _answered_restriction(subject, **kwargs):
    grant(subject, make_purpose("analytics-l", category="analytics"))
    request = verified_request(subject, type="restrict", purposes=["analytics-l"], **kwargs)
    services.request_complete(actor=kwargs.get("actor", STAFF), request_id=request.pk)
    return request


def _allowed(subject) -> bool:
    return consent_check(subject_ref=subject.external_ref, purpose_code="analytics-l").allowed


def test_a_lift_without_a_reason_is_refused_and_lifts_nothing(subject):
    request = _answered_restriction(subject)

    with pytest.raises(InvalidInput) as error:
        services.request_restriction_lift(actor=STAFF, request_id=request.pk, reason="")
    assert error.value.field == "reason"
    with pytest.raises(InvalidInput) as error:
        services.request_restriction_lift(actor=STAFF, request_id=request.pk, reason="other", note="  ")
    assert error.value.field == "note"

    assert restriction_in_force(request)
    assert not _allowed(subject)
    assert not RestrictionLift.objects.exists()


def test_a_lift_records_its_reason_with_its_audit_entry_and_tells_the_customer_in_their_language(subject):
    subject.preferred_language = "en"
    subject.save(update_fields=["preferred_language"])
    request = _answered_restriction(subject)

    services.request_restriction_lift(
        actor=STAFF, request_id=request.pk, reason="accuracy_checked", note="Checked against the ledger."
    )

    lift = RestrictionLift.objects.get(request=request)
    assert (lift.reason, lift.note) == ("accuracy_checked", "Checked against the ledger.")
    entry = AuditEntry.objects.get(action="dsr.request.restriction_lifted")
    assert entry.data["reason"] == "accuracy_checked"
    assert "Checked against" not in str(entry.data)  # the note may quote the customer: not in clear
    assert _allowed(subject)
    told = OutboxMessage.objects.filter(topic="dsr.customer.restriction_lifted")
    assert told.count() == 1
    email = render_email(told.get())
    body = email.subject + "\n" + email.body
    assert "has been lifted" in body
    assert "The accuracy check of the data is finished" in body
    assert "Checked against the ledger." in body


def test_a_lift_from_the_request_page_needs_a_reason_and_shows_it(logged_in, privacy_officer, subject):
    actor = actor_for_user(privacy_officer)
    request = _answered_restriction(subject, actor=actor)
    client = logged_in(privacy_officer)
    url = reverse("dsr:act", args=[request.pk, "lift"])

    refused = client.post(url, {})
    assert refused.status_code == 400
    assert restriction_in_force(request)

    client.post(url, {"reason": "customer_asked"})
    assert not restriction_in_force(request)
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="restriction-lift"' in page
    assert "Khách hàng yêu cầu dỡ bỏ hạn chế" in page  # the staff page, in Vietnamese


def test_a_lift_through_the_api_needs_a_reason(as_user, privacy_officer, subject):
    grant(subject, make_purpose("offers-l", category="marketing"))
    request = make_request(subject, type="object", purposes=["offers-l"], now=timezone.now())
    client = as_user(privacy_officer)
    base = f"/api/v1/requests/{request.pk}/"
    client.post(base + "verify-identity/", by_document(subject), format="json")
    assert client.post(base + "complete/", {}, format="json").status_code == 200

    refused = client.post(base + "lift-restriction/", {}, format="json")
    assert refused.status_code == 400, refused.content
    assert "reason" in refused.json()
    refused = client.post(base + "lift-restriction/", {"reason": "other"}, format="json")
    assert refused.status_code == 400, refused.content
    assert "note" in refused.json()

    lifted = client.post(base + "lift-restriction/", {"reason": "ground_ended"}, format="json")
    assert lifted.status_code == 200, lifted.content
    assert RestrictionLift.objects.get(request=request).reason == "ground_ended"
