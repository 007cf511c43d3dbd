"""An auditor reconciles the consent report month over month: the consents in force at the start,
plus those granted, less those withdrawn, expired or replaced by a consent to a newer notice, are those
in force at the end. The report counted grants, withdrawals and expiries but neither the replaced
consents nor those in force at the start, so a month with a re-consent to a new notice never added up
(one in force, one granted, none withdrawn: still one in force), and the auditor could not tell a gap in
the figures from a consent that left without trace."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.selectors.report import consent_report
from tests.consents.factories import APP, STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)


def local(day, hour=9):
    return datetime(2026, 3, day, hour, tzinfo=VN)


def test_the_months_figures_add_up_from_start_to_end():
    purpose = make_purpose("marketing", category="marketing", effective_at=datetime(2026, 1, 1, tzinfo=VN))
    a, b, c = (make_subject() for _ in range(3))
    grant(a, purpose, now=datetime(2026, 2, 10, 9, tzinfo=VN))  # in force when March starts
    b_consent = grant(b, purpose, now=datetime(2026, 2, 11, 9, tzinfo=VN))  # in force, withdrawn in March
    services.notice_publish(actor=STAFF, code="marketing", version="v2", text_vi="Mới", text_en="New",
                            effective_at=local(2), now=datetime(2026, 1, 20, 9, tzinfo=VN))
    grant(a, purpose, notice_version="v2", now=local(5))  # replaces A's consent to v1
    services.consent_withdraw(actor=APP, consent_id=b_consent.pk, channel="mobile_app", now=local(6))
    grant(c, purpose, notice_version="v2", now=local(7))

    totals = consent_report(since=MARCH, until=APRIL, now=datetime(2026, 4, 20, tzinfo=VN))["totals"]

    assert totals["in_force_at_start"] == 2
    assert (totals["granted"], totals["withdrawn"], totals["expired"], totals["superseded"]) == (2, 1, 0, 1)
    assert totals["in_force_at_end"] == 2
    assert (totals["in_force_at_start"] + totals["granted"] - totals["withdrawn"] - totals["expired"]
            - totals["superseded"]) == totals["in_force_at_end"]
