"""An erasure's deletion confirmed by staff: the note naming how the recipient confirmed is erased with
the customer, so staff may give a reference without personal data (the recipient's confirmation letter
number), kept after the erasure as the proof and shown where the duty's evidence is; the note is optional
then. A reference that looks like an e-mail, a phone or a passport number, or holds the customer's own
customer number (CIF) or identity document's number, is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.models import WithdrawalDuty
from consents.services.duty_evidence import duty_reference_checked
from core.actors import Actor, actor_for_user
from core.erased import REASON_ERASED
from core.errors import InvalidInput
from dsr import services
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.dsr.factories import approved_deletion, make_platform
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db

LETTER = "CV-123/2026-PTI"


def _deletion_duty(subject, privacy_officer, dpo):
    make_platform()
    partner = make_recipient(
        "Partner Insurance", client=UserFactory(role="integration_client"), url="https://p.example/h"
    )
    purpose = make_purpose("bancassurance", category="sharing", recipients=[partner], retention_months=24)
    grant(subject, purpose, now=timezone.now() - timedelta(days=10))
    worker = actor_for_user(privacy_officer)
    request = approved_deletion(subject, worker=worker, approver=actor_for_user(dpo))
    services.request_complete(actor=worker, request_id=request.pk)
    return WithdrawalDuty.objects.get(recipient=partner, kind=WithdrawalDuty.Kind.ERASURE)


def test_staff_confirm_a_deletion_by_its_reference_alone_and_it_is_kept(subject, privacy_officer, dpo):
    duty = _deletion_duty(subject, privacy_officer, dpo)

    consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, reference=LETTER)

    duty.refresh_from_db()
    assert (duty.status, duty.acknowledgement_reference) == ("acknowledged", LETTER)
    # The note, had one been given, reads as erased; the reference is no word about the customer.
    consent_services.duty_notes_erase(subject_id=subject.pk)
    duty.refresh_from_db()
    assert duty.acknowledgement_reference == LETTER


def test_a_note_beside_the_reference_is_erased_and_the_reference_stays(subject, privacy_officer, dpo):
    duty = _deletion_duty(subject, privacy_officer, dpo)

    consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Call with Mr A", reference=LETTER)

    duty.refresh_from_db()
    assert (duty.acknowledgement_note, duty.acknowledgement_reference) == (REASON_ERASED, LETTER)


@pytest.mark.parametrize(
    "reference",
    [
        "letter from a.nguyen@partner.vn", "0912345678", "Gọi 0912 345 678", "x" * 65, "CV\n12",
        "C1234567", "Hộ chiếu B7654321", "hc c 1234567",
    ],
)
def test_a_reference_with_personal_data_or_too_long_is_refused(subject, privacy_officer, dpo, reference):
    duty = _deletion_duty(subject, privacy_officer, dpo)

    with pytest.raises(InvalidInput) as refused:
        consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, reference=reference)

    assert refused.value.field == "reference"
    duty.refresh_from_db()
    assert duty.status == "open"


def test_staff_give_a_note_or_a_reference(subject, privacy_officer, dpo):
    duty = _deletion_duty(subject, privacy_officer, dpo)

    with pytest.raises(InvalidInput) as refused:
        consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note=" ", reference="")

    assert refused.value.field == "note"


def test_the_reference_is_shown_on_the_duties_page_and_in_the_proof_bundle(
    client, subject, privacy_officer, dpo
):
    duty = _deletion_duty(subject, privacy_officer, dpo)
    client.force_login(privacy_officer)

    posted = client.post(reverse("consents:duty_acknowledge", args=[duty.pk]), {"reference": LETTER})

    assert posted.status_code == 302
    page = client.get(reverse("consents:duty_list") + "?kind=erasure&status=all")
    assert LETTER in page.content.decode()
    bundle = proof_bundle(subject, generated_by=Actor(kind="staff", user_id=None, label="dpo_t"), role="dpo")
    (notice,) = [n for p in bundle["consents"] for n in p["erasure_notices"]]
    assert notice["confirmation_reference"] == LETTER
    assert LETTER in render_to_string("regulator/proof_bundle.html", {"bundle": bundle})


def test_the_recipients_own_client_may_give_its_reference(subject, privacy_officer, dpo, as_user):
    duty = _deletion_duty(subject, privacy_officer, dpo)

    answer = as_user(duty.recipient.client).post(
        f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {"reference": LETTER}
    )

    assert answer.status_code == 200
    assert answer.json()["acknowledgement_reference"] == LETTER


@pytest.mark.parametrize("reference", ["CV-123/2026-PTI", "TK 2026.0042", "Số 45/BH", "AB1234567"])
def test_a_letters_or_tickets_number_is_accepted(reference):
    assert duty_reference_checked(reference) == reference


def _withdrawal_duty(subject):
    partner = make_recipient("Partner Insurance", client=UserFactory(role="integration_client"))
    purpose = make_purpose("bancassurance", category="sharing", recipients=[partner])
    consent = grant(subject, purpose, now=timezone.now() - timedelta(days=10))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="call_centre", evidence="R-1"
    )
    return WithdrawalDuty.objects.get(recipient=partner)


@pytest.mark.parametrize("reference", ["CV 12345678", "12345678", "Thư AB 123 456 /2026"])
def test_a_reference_holding_the_customers_own_numbers_is_refused(reference):
    """The customer's CIF (up to 8 digits passes the digit rule) or passport number (not of the one
    letter and seven digits shape), however spaced: both identify the customer after the erasure."""
    duty = _withdrawal_duty(make_subject(external_ref="12345678", passport_number="AB123456"))

    with pytest.raises(InvalidInput) as refused:
        consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, reference=reference)

    assert refused.value.field == "reference"
    duty.refresh_from_db()
    assert (duty.status, duty.acknowledgement_reference) == ("open", "")


def test_after_the_erasure_the_kept_cif_is_still_refused(subject, privacy_officer, dpo, client):
    duty = _deletion_duty(subject, privacy_officer, dpo)
    client.force_login(privacy_officer)

    posted = client.post(
        reverse("consents:duty_acknowledge", args=[duty.pk]), {"reference": f"Thư {subject.external_ref}"}
    )

    assert posted.status_code == 400
    assert "số giấy tờ tùy thân của chính" in posted.content.decode()  # the page is in Vietnamese
    duty.refresh_from_db()
    assert duty.status == "open"


def test_the_recipients_client_giving_the_customers_cif_is_refused(as_user):
    subject = make_subject(external_ref="12345678")
    duty = _withdrawal_duty(subject)

    answer = as_user(duty.recipient.client).post(
        f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {"reference": "KH-12345678"}
    )

    assert answer.status_code == 400
    assert "reference" in answer.content.decode()
    duty.refresh_from_db()
    assert duty.status == "open"
