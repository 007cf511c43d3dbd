"""Lists shown to staff in alphabetical order follow the Vietnamese alphabet (a ă â b c d đ e ê ...):
a recipient named "Đông Á" is looked for after "D", not after "Z"; "Ánh Dương" among the A's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from consents.catalogue_forms import PurposeForm
from consents.selectors import recipient_choices
from tests.consents.factories import make_purpose, make_recipient

pytestmark = pytest.mark.django_db

NAMES = ("Zeta Partners", "Đông Á Insurance", "Bảo Việt Nhân thọ", "Ánh Dương Card Printing",
         "Dịch vụ Thẻ Miền Nam", "Eximbank Securities")
EXPECTED = ["Ánh Dương Card Printing", "Bảo Việt Nhân thọ", "Dịch vụ Thẻ Miền Nam", "Đông Á Insurance",
            "Eximbank Securities", "Zeta Partners"]


def test_the_recipients_page_lists_names_in_vietnamese_alphabetical_order(dpo, logged_in):
    for name in NAMES:
        make_recipient(name)
    with translation.override("vi"):
        url = reverse("consents:recipient_list")
    page = logged_in(dpo).get(url).content.decode()

    assert sorted(EXPECTED, key=page.index) == EXPECTED


def test_the_purpose_form_and_the_webhook_form_offer_recipients_in_vietnamese_alphabetical_order():
    for name in NAMES:
        make_recipient(name)
    offered = [label for _value, label in PurposeForm().fields["recipients"].choices]
    assert offered == EXPECTED
    assert [name for _pk, name in recipient_choices()] == EXPECTED


def test_the_purpose_list_names_each_purposes_recipients_in_vietnamese_alphabetical_order(dpo, logged_in):
    make_purpose("sharing", recipients=[make_recipient(name) for name in NAMES])
    page = logged_in(dpo).get(reverse("consents:purpose_list")).content.decode()
    assert ", ".join(EXPECTED) in page
