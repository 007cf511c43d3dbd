"""The request page and API offer "extend" only when the extension service would accept it (one rule,
`request_extension_refusal`), and the service refuses a reason too long rather than cutting it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import Conflict, InvalidInput
from dsr import services
from dsr.selectors import request_allowed_actions
from tests.dsr.factories import MONDAY, STAFF, make_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_decree_13_complaint_is_not_offered_an_extension_it_cannot_have(subject, privacy_officer):
    # Received under Decree 13 (no statutory period, no extension), still open in 2026.
    request = make_request(subject, type="complaint", now=datetime(2025, 12, 30, 10, tzinfo=VN))
    now = datetime(2026, 1, 5, 10, tzinfo=VN)

    assert "extend" not in request_allowed_actions(request, privacy_officer, now=now)
    with pytest.raises(Conflict) as refused:
        services.request_extend(actor=STAFF, request_id=request.pk, note="Cần thêm thời gian", now=now)
    assert refused.value.code == "not_extendable"


def test_an_access_request_in_time_is_offered_the_extension_and_gets_it(subject, privacy_officer):
    request = make_request(subject, type="access")
    now = MONDAY + timedelta(days=3)

    assert "extend" in request_allowed_actions(request, privacy_officer, now=now)
    services.request_extend(actor=STAFF, request_id=request.pk, note="Cần tra cứu kho lưu trữ", now=now)
    request.refresh_from_db()
    assert "extend" not in request_allowed_actions(request, privacy_officer, now=now)


def test_an_extension_reason_too_long_is_refused_not_cut(subject):
    request = make_request(subject, type="access")

    with pytest.raises(InvalidInput) as refused:
        services.request_extend(actor=STAFF, request_id=request.pk, note="x" * 2001, now=MONDAY)
    assert refused.value.field == "note"
    request.refresh_from_db()
    assert request.extended_at is None
