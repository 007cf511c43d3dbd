"""The catalogue page marks a scheduled version by what it will do: a widening still resting on consent
asks customers again; a version moving the purpose off consent asks nobody (its announcement says so)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from tests.consents.factories import STAFF, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _scheduled(page: str, code: str) -> str:
    return page.split(f'data-testid="scheduled-{code}"')[1].split("</small>")[0]


def test_a_scheduled_version_leaving_consent_is_not_marked_as_asking_consent_again(dpo):
    now = timezone.now()
    insurer = make_recipient("Bảo hiểm A")
    make_purpose("sharing", category="sharing", effective_at=now - timedelta(days=60))
    make_purpose("support", category="support", effective_at=now - timedelta(days=60))
    later = now + timedelta(days=31)
    services.purpose_update(actor=STAFF, code="sharing", changes={}, recipients=[insurer], effective_at=later)
    services.purpose_update(
        actor=STAFF, code="support", changes={"legal_basis": "contract"}, effective_at=later
    )
    page = signed_in(dpo).get("/en/portal/purposes/").content.decode()
    assert "consent asked again" in _scheduled(page, "sharing")
    support = _scheduled(page, "support")
    assert "consent asked again" not in support
    assert "leaves consent" in support
