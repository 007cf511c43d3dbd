"""The systems page lists the retention rules, and its category form offers them, in Vietnamese
alphabetical order of the name the reader reads ("Điều ..." after "Dữ liệu ...", not after "Thuế")."""

from __future__ import annotations

import pytest
from django.utils import translation

from dsr.inventory_forms import CategoryForm
from dsr.models import RetentionRule
from dsr.selectors import systems_inventory

pytestmark = pytest.mark.django_db

NAMES = [("Thuế: 10 năm", "Tax: 10 years"), ("Điều 12 Luật Kế toán", "Accounting law"),
         ("Ấn chỉ", "Stamped forms"), ("Dữ liệu giao dịch", "Transactions"), ("Bảo hiểm", "Insurance")]
IN_VIETNAMESE = ["Ấn chỉ", "Bảo hiểm", "Dữ liệu giao dịch", "Điều 12 Luật Kế toán", "Thuế: 10 năm"]


@pytest.fixture
def rules():
    for name_vi, name_en in NAMES:
        RetentionRule.objects.create(name_vi=name_vi, name_en=name_en, period_months=12, starts="x",
                                     legal_reference_vi="Luật", legal_reference_en="Law")


def test_the_rules_are_listed_and_offered_in_vietnamese_alphabetical_order(rules):
    with translation.override("vi"):
        assert [rule.name for rule in systems_inventory()["rules"]] == IN_VIETNAMESE
        offered = [str(label) for _value, label in CategoryForm().fields["retention"].choices]
    assert offered[1:] == IN_VIETNAMESE  # after the empty choice
    assert offered[0] == "—"


def test_in_english_the_english_names_are_in_alphabetical_order(rules):
    with translation.override("en"):
        assert [rule.name for rule in systems_inventory()["rules"]] == sorted(en for _vi, en in NAMES)
