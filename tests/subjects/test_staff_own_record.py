"""A member of staff who is also a customer acts on their own record, and on their child's or their
guardian's, only as a customer: as staff it is a conflict of interest (a colleague acts for them)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from subjects.models import StaffCustomerRecord
from tests.consents.factories import child_of, grant, make_purpose
from tests.dsr.factories import by_document, make_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_record(privacy_officer):
    record = make_subject(external_ref="CIF7300001")
    call_command("link_staff_customer", privacy_officer.username, "cif7300001", "--reason", "HR file 42")
    return record


def test_the_link_is_kept_and_audited(privacy_officer, own_record):
    assert StaffCustomerRecord.objects.get(user=privacy_officer).subject == own_record
    assert AuditEntry.objects.filter(action="core.staff.own_record_linked", subject_id=own_record.pk).exists()


def test_staff_cannot_rectify_their_own_or_their_childs_record(as_user, privacy_officer, own_record):
    child, stranger = child_of(own_record, age=10), make_subject()
    client = as_user(privacy_officer)

    for record in (own_record, child):
        refused = client.patch(f"/api/v1/subjects/{record.pk}/", {"address": "1 Lê Lợi"}, format="json")
        assert refused.status_code == 403, refused.content
        assert refused.json()["code"] == "own_customer_record"
    allowed = client.patch(f"/api/v1/subjects/{stranger.pk}/", {"address": "1 Lê Lợi"}, format="json")
    assert allowed.status_code == 200, allowed.content


def test_staff_cannot_verify_the_identity_on_their_own_request(as_user, privacy_officer, own_record):
    request = make_request(own_record, type="delete")

    refused = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/verify-identity/", by_document(own_record), format="json"
    )

    assert refused.status_code == 403 and refused.json()["code"] == "own_customer_record", refused.content
    request.refresh_from_db()
    assert request.identity_verified_at is None


def test_staff_cannot_record_a_consent_for_themself_at_the_counter(as_user, privacy_officer, own_record):
    purpose = make_purpose()
    body = {"subject": "CIF7300001", "purpose": purpose.code, "notice_version": "v1", "channel": "branch",
            "evidence": "form 12"}

    refused = as_user(privacy_officer).post("/api/v1/consents/", body, format="json")

    assert refused.status_code == 403 and refused.json()["code"] == "own_customer_record", refused.content


def test_staff_cannot_void_their_own_consent_as_recorded_in_error(as_user, privacy_officer, own_record):
    """Voiding takes the record out of the proof: a staff member doing it to their own consent is the
    conflict a colleague's eyes are there for."""
    consent = grant(own_record, make_purpose())

    refused = as_user(privacy_officer).post(
        f"/api/v1/consents/{consent.pk}/void/", {"reason": "wrong_customer", "note": "typed the wrong CIF"},
        format="json",
    )

    assert refused.status_code == 403 and refused.json()["code"] == "own_customer_record", refused.content
    consent.refresh_from_db()
    assert consent.status == "granted"


@pytest.mark.parametrize("prefix, words", [
    ("/en", "This is your own customer record"), ("", "Đây là hồ sơ khách hàng của chính bạn"),
])
def test_the_customer_page_says_up_front_it_is_their_own_record(privacy_officer, own_record, prefix, words):
    """Before they press a button that will be refused, not after."""
    client = signed_in(privacy_officer)

    own = client.get(f"{prefix}/portal/customers/{own_record.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    stranger = client.get(f"{prefix}/portal/customers/{make_subject().pk}/", HTTP_ACCEPT_LANGUAGE="vi")

    assert words in own.content.decode() and words not in stranger.content.decode()


def test_linking_by_a_former_number_names_the_number_in_use(privacy_officer, dpo, as_user):
    """The HR file may still carry the customer number the staff member had before core banking
    renumbered them: the command says which number to use, not that there is no such customer."""
    customer = make_subject(external_ref="CIF7300010")
    as_user(dpo).post(f"/api/v1/subjects/{customer.pk}/customer-number/",
                      {"external_ref": "CIF7399990", "kind": "renumbered", "reason": "core banking batch 9"},
                      format="json")

    with pytest.raises(CommandError) as refused:
        call_command("link_staff_customer", privacy_officer.username, "CIF7300010", "--reason", "HR file 45")

    assert "CIF7399990" in str(refused.value)
    assert not StaffCustomerRecord.objects.filter(user=privacy_officer).exists()
