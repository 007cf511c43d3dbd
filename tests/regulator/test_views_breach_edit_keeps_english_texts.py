"""The facts page showed the English texts for the customers empty whatever was on record: saving it to
correct a count wiped them, so English readers got the Vietnamese again without anyone deciding so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from regulator.models import Breach
from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db


def test_saving_the_facts_page_keeps_the_english_texts(client, dpo):
    make_inventory()
    breach = make_breach(likely_consequences_en="Balances seen.", measures_taken_en="Keys rotated.")
    client.force_login(dpo)
    url = reverse("regulator:breach_edit", args=[breach.pk])
    form = client.get(url).context["form"]
    shown = {name: form[name].value() or "" for name in form.fields if name not in ("systems", "categories")}

    posted = {**shown, "subjects_affected": 130, "systems": ["core_banking"], "categories": ["accounts"]}
    assert client.post(url, posted).status_code == 302

    stored = Breach.objects.get(pk=breach.pk)
    assert (stored.likely_consequences_en, stored.measures_taken_en) == ("Balances seen.", "Keys rotated.")
