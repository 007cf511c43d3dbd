"""An officer holding an old paper form finds the customer by the number on it, and the customer page says
which numbers the customer carried before ("formerly CIF…"), in Vietnamese and English."""

from __future__ import annotations

import pytest

from core.actors import Actor
from subjects.renumbering import subject_number_change
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _renumbered_customer():
    customer = make_subject(external_ref="CIF7400001")
    subject_number_change(actor=Actor.system("tests"), subject_id=customer.pk, external_ref="CIF7499991",
                          kind="mistyped", reason="typed 0 for 9 at the branch")
    return customer


@pytest.mark.parametrize("language, words", [
    ("/en", ["Former customer numbers", "Mistyped when the customer was first recorded"]),
    ("", ["Số khách hàng trước đây"]),
])
def test_the_customer_page_shows_the_former_numbers(officer, language, words):
    customer = _renumbered_customer()

    page = signed_in(officer).get(f"{language}/portal/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    page = page.content.decode()

    assert "CIF7400001" in page and "CIF7499991" in page
    for word in words:
        assert word in page


def test_the_look_up_finds_the_customer_by_the_number_on_an_old_paper_form(officer):
    customer = _renumbered_customer()

    found = signed_in(officer).post("/en/portal/customers/", {"q": "cif7400001"})

    assert found.status_code == 302 and found.url.endswith(f"/portal/customers/{customer.pk}/")
