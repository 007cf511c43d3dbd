"""One passport, one customer number, as one citizen ID has one: a foreign national registered twice under
two CIFs (at two branches, by a typo in the CIF) had their consents and requests split in two, and a
search by passport found two customers. A second CIF with a passport on file is refused with 409
`duplicate_passport_number` naming the CIF that holds it (to staff; never to a customer), unless the DPO let
that customer number share it (`subject_national_id_share`: one person the core system knows twice).
Customer-abroad review, follow-up."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from core.actors import Actor
from core.errors import Conflict, InvalidInput
from subjects import services
from subjects.models import DataSubject, NationalIdShare
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
STAFF = Actor.system("tests")
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#tests")


def test_a_second_cif_with_a_passport_on_file_is_409_naming_the_first(as_user, officer):
    client = as_user(officer)
    first = {"external_ref": "CIFKR0101", "full_name": "KIM Min-jun", "passport_number": "M12345678"}
    assert client.post("/api/v1/subjects/", first, format="json").status_code == 201

    again = client.post(
        "/api/v1/subjects/", {**first, "external_ref": "CIFKR0102", "passport_number": "m1234 5678"},
        format="json", HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert again.status_code == 409, again.content
    assert again.json()["code"] == "duplicate_passport_number"
    assert "CIFKR0101" in again.json()["detail"] and "hộ chiếu" in again.json()["detail"]
    assert not DataSubject.objects.filter(external_ref="CIFKR0102").exists()


def test_a_rectification_to_a_passport_another_customer_holds_is_refused():
    holder = make_subject(national_id="", passport_number="M7777777")
    other = make_subject(national_id="", passport_number="M8888888")
    with pytest.raises(Conflict) as refused:
        services.subject_rectify(actor=STAFF, subject_id=other.pk, changes={"passport_number": "M7777777"})
    assert refused.value.code == "duplicate_passport_number"
    assert holder.external_ref in str(refused.value.text)
    unchanged = services.subject_rectify(
        actor=STAFF, subject_id=holder.pk, changes={"passport_number": "M7777777", "full_name": "Kim Min-jun"}
    )
    assert unchanged.passport_number == "M7777777"


def test_the_dpos_share_lets_the_second_cif_carry_the_passport():
    holder = make_subject(national_id="", passport_number="M9999999")
    NationalIdShare.objects.create(
        subject=holder, external_ref="CIFKR0103", reason="one person, two CIFs in the core system",
        linked_by_label="dpo", linked_at=timezone.now(),
    )
    twin = services.subject_create(
        actor=STAFF, external_ref="CIFKR0103", full_name="Kim Min-jun", passport_number="M9999999"
    )
    assert twin.passport_number == "M9999999"


def test_a_customer_is_refused_another_customers_passport_without_learning_whose_it_is(subject):
    other = make_subject(national_id="", passport_number="M1212121")
    with pytest.raises(InvalidInput) as refused:
        make_request(
            subject, type="rectify", actor=CUSTOMER, channel="internet_banking",
            corrections={"passport_number": "M1212121"},
        )
    with translation.override("en"):
        assert other.external_ref not in refused.value.text and "customer" not in refused.value.text.lower()
        assert "passport" in refused.value.text
