"""A person who is not a customer is known by a platform reference (NC-...) where a customer's CIF would
be: the staff pages asking for either say so, in both languages, with one label."""

from __future__ import annotations

import html

import pytest

from tests.factories import signed_in

pytestmark = pytest.mark.django_db

PAGES = ["portal/requests/new/", "portal/requests/", "portal/withdrawal-duties/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("prefix", "label"), [
    ("/en/", "Customer number (CIF) or reference"),
    ("/", "Số khách hàng (CIF) hoặc mã tham chiếu"),
])
def test_the_field_asking_for_the_person_says_a_reference_works_too(dpo, path, prefix, label):
    response = signed_in(dpo).get(prefix + path)

    assert response.status_code == 200
    assert label in html.unescape(response.content.decode())
