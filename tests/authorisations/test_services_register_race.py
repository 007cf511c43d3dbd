"""The tax code's unique index is the last word on two registrations of one third party at once: under
PostgreSQL's READ COMMITTED both look for the tax code before either commits, and the second insert
failed with an IntegrityError, a 500, where one at a time is the 409 "already registered". The race is
played here in order: the other registration commits between this one's look and its insert."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from authorisations.models import ThirdParty
from authorisations.services import registry
from core.errors import Conflict
from tests.authorisations.factories import register
from tests.concurrency import run_together
from tests.runs import only_on

pytestmark = [
    pytest.mark.django_db(transaction=True),
    only_on("postgresql", "SQLite has one writer at a time"),
]
TAX_CODE = "0312999001"


def test_a_registration_that_loses_the_race_for_its_tax_code_is_a_conflict(monkeypatch):
    looked = []

    def user_model_once_the_other_registered():
        if not looked:
            looked.append(1)
            run_together([lambda: register(tax_code=TAX_CODE, legal_name="Công ty Đến Trước")])
        return get_user_model()

    monkeypatch.setattr(registry, "get_user_model", user_model_once_the_other_registered)

    with pytest.raises(Conflict) as refused:
        register(tax_code=TAX_CODE, legal_name="Công ty Đến Sau")

    assert refused.value.code == "duplicate"
    assert list(ThirdParty.objects.values_list("legal_name", flat=True)) == ["Công ty Đến Trước"]
