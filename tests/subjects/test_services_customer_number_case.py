"""Customer numbers (CIF) are upper case in the core system, and the staff look-up already treats
"cif0000123" as customer CIF0000123 (subjects.selectors.subject_search). Registration must not make a
second customer of the same CIF typed in lower case (a customer with a passport and no citizen ID has
no other guard), and the customer found by the look-up is the one the consent API records for."""

from __future__ import annotations

import pytest

from core.actors import Actor
from core.errors import Conflict
from subjects import services
from subjects.models import DataSubject
from subjects.selectors import subject_for_ref, subject_search, visible_subjects
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_the_same_cif_typed_in_lower_case_does_not_register_a_second_customer():
    make_subject(external_ref="CIF0000777", national_id="", passport_number="B1234567")
    with pytest.raises(Conflict):
        services.subject_create(actor=Actor.system("tests"), external_ref="cif0000777",
                                full_name="Lê Thị Hồng", passport_number="B1234567")
    assert DataSubject.objects.filter(external_ref__iexact="CIF0000777").count() == 1


def test_a_cif_typed_in_lower_case_is_registered_in_upper_case():
    subject = make_subject(external_ref=" cif0000779 ")
    assert DataSubject.objects.get(pk=subject.pk).external_ref == "CIF0000779"


def test_a_cif_in_lower_case_records_a_consent_for_the_customer_the_look_up_finds(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject(external_ref="CIF0000778")
    assert list(subject_search("cif0000778")) == [subject]
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    response = api.post("/api/v1/consents/", {
        "subject": "cif0000778", "purpose": "marketing", "notice_version": "v1", "channel": "branch",
        "evidence": "form-2026-001",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert subject.consents.count() == 1


def test_a_customer_left_in_lower_case_beside_its_upper_case_twin_is_found_as_typed(dpo):
    """Where upper-casing an old row would have collided with another customer's CIF it was left as it
    was (subjects 0003): each spelling still finds its own row, and the list filter shows both."""
    upper = make_subject(external_ref="CIF0000780")
    lower = make_subject()
    DataSubject.objects.filter(pk=lower.pk).update(external_ref="cif0000780")
    assert subject_for_ref("CIF0000780") == upper
    assert subject_for_ref("cif0000780") == lower
    assert set(visible_subjects(dpo, external_ref="cif0000780")) == {upper, lower}
