"""The proof bundle judges a paused request's bank clock as every count does: paused before its
deadline it stands still (`paused`); paused at or after it, the deadline had already run out (`missed`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.actors import Actor
from dsr import services
from regulator.proof_bundle import proof_bundle
from tests.dsr.factories import MONDAY, STAFF, verified_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BANK_DUE = MONDAY + timedelta(hours=72)
FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=VN)


@pytest.mark.parametrize(("paused_at", "result"), [(BANK_DUE - timedelta(hours=48), "paused"),
                                                   (BANK_DUE + timedelta(hours=6), "missed")])
def test_the_bank_clock_of_a_paused_request(subject, paused_at, result):
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=paused_at
    )
    bundle = proof_bundle(subject, generated_by=Actor.system("tests"), role="dpo", now=FRIDAY)
    (shown,) = [r for r in bundle["requests"] if r["id"] == str(request.pk)]
    assert shown["bank_clock"]["result"] == result
