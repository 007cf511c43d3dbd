"""The staff consent form's hint steers the officer to read the notice out to a customer who cannot read
it (an elderly customer whose eyes are poor), not only to hand the printed notice over: a notice handed to
her is no notice she understood (`consents.services.who_answered`). In both languages of the page."""

from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("/en", "to a customer who cannot read it, read it out"),
        ("", "với khách hàng không tự đọc được, hãy đọc to"),
    ],
)
def test_the_hint_says_to_read_the_notice_out_to_a_customer_who_cannot_read_it(officer, prefix, said):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    page = signed_in(officer).get(f"{prefix}/portal/customers/{subject.pk}/consents/new/")
    assert said in page.content.decode()
