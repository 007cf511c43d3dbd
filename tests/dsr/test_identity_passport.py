"""A passport shown at a branch verifies the requester, as the self-service page promises: its number
is compared with the passport number on the customer record (upper case, spaces left out), recorded
masked and audited like a citizen ID; a different number, or none on record, is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import InvalidInput
from dsr import services
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

PASSPORT = "C1234567"


def _verify(request, number):
    return services.request_verify_identity(
        actor=STAFF,
        request_id=request.pk,
        method="branch_documents",
        document_type="passport",
        document_number=number,
    )


def test_a_foreign_customers_passport_verifies_them(db):
    request = make_request(make_subject(national_id="", passport_number=PASSPORT, phone=""))
    verified = _verify(request, " c123 4567 ")
    assert verified.identity_verified_at is not None
    assert (verified.identity_document_type, verified.identity_document_masked) == ("passport", "•••••567")
    audit = AuditEntry.objects.get(action="dsr.request.identity_verified")
    assert audit.data["document_type"] == "passport"
    assert PASSPORT not in str(audit.data)


@pytest.mark.parametrize("on_record", [PASSPORT, ""])
def test_another_passport_or_none_on_record_is_refused(db, on_record):
    request = make_request(make_subject(passport_number=on_record))
    with pytest.raises(InvalidInput) as refused:
        _verify(request, "C7654321" if on_record else PASSPORT)
    assert refused.value.field == "document_number"
    request.refresh_from_db()
    assert request.identity_verified_at is None


def test_a_citizen_id_number_is_not_taken_for_a_passport(subject):
    request = make_request(subject)
    with pytest.raises(InvalidInput):
        _verify(request, subject.national_id)


def test_the_staff_form_offers_the_passport(client, privacy_officer, subject):
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[make_request(subject).pk])).content.decode()
    assert '<option value="passport"' in page


@pytest.mark.parametrize(("on_record", "shown"), [("B 1234567", "B1234567"), ("B1234567", "B 1234567")])
def test_a_passport_compares_equal_with_or_without_inner_spaces(db, on_record, shown):
    """A record kept before the one normal form (with a space) and the number shown either way."""
    subject = make_subject(national_id="", phone="")
    subject.passport_number = on_record
    subject.save(update_fields=["passport_number"])
    verified = _verify(make_request(subject), shown)
    assert verified.identity_verified_at is not None
