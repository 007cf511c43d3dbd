"""The one table of which data category each field of the customer record is (`subjects.categories`)
speaks the codes the purposes declare and the platform's categories name, and files every personal
field."""

from __future__ import annotations

from consents.models import DataCategory
from dsr.models import PlatformData
from subjects.categories import CATEGORISED_FIELDS, CATEGORY_FIELDS, fields_shared
from subjects.selectors import PERSONAL_FIELDS


def test_the_table_speaks_the_purposes_and_the_inventorys_codes_and_files_every_personal_field():
    assert set(CATEGORY_FIELDS) <= set(DataCategory.values)
    assert set(PlatformData.values) <= set(CATEGORY_FIELDS)
    # Every value staff may unmask, and the guardian's document reference, which is never shown.
    assert CATEGORISED_FIELDS == {*PERSONAL_FIELDS, "guardian_evidence"}


def test_fields_shared_keeps_the_fields_of_the_categories_and_every_field_when_none_is_declared():
    corrected = ["phone", "national_id", "email"]
    assert fields_shared(corrected, ["contact"]) == ["email", "phone"]
    assert fields_shared(corrected, ["identity"]) == ["national_id"]
    assert fields_shared(corrected, ["preferences", "app_usage"]) == []
    assert fields_shared(corrected, ["credit_customer"]) == ["email", "national_id", "phone"]
    assert fields_shared(corrected, []) == ["email", "national_id", "phone"]
    # A field no category files is not known to be outside one: it is passed on.
    assert fields_shared(["nickname", "phone"], ["identity"]) == ["nickname"]
