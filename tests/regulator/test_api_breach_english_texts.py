"""The English texts for the affected customers are optional API fields: a client that never sends them
records and corrects breaches as before (they come back empty); one that does sets and corrects them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from tests.regulator.factories import make_catalogue, make_inventory
from tests.regulator.test_api_regulator import _breach_payload

pytestmark = pytest.mark.django_db


def test_the_english_texts_are_optional_and_correctable_through_the_api(dpo, as_user):
    make_inventory()
    make_catalogue(now=timezone.now())
    client = as_user(dpo)
    without = client.post("/api/v1/breaches/", _breach_payload(), format="json")
    assert without.status_code == 201, without.json()
    assert (without.json()["likely_consequences_en"], without.json()["measures_taken_en"]) == ("", "")

    created = client.post(
        "/api/v1/breaches/",
        _breach_payload(
            detected_at=(timezone.now() - timedelta(hours=1)).isoformat(),
            likely_consequences_en="Account numbers exposed.",
        ),
        format="json",
    )
    assert created.json()["likely_consequences_en"] == "Account numbers exposed."
    corrected = client.patch(
        f"/api/v1/breaches/{created.json()['id']}/", {"measures_taken_en": " Remote wipe. "}, format="json"
    )
    assert corrected.status_code == 200 and corrected.json()["measures_taken_en"] == "Remote wipe."
    entry = AuditEntry.objects.filter(action="regulator.breach.updated").latest("pk")
    assert "measures_taken_en" in str(entry.data)
