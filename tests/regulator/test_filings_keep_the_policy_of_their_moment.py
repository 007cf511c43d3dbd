"""A filing's deadline is timed by the deadline policy as it stood when its clock started (a breach's
detection, a processing's start), even when the breach is recorded or its times corrected, or the dossier
rescheduled, after the DPO edited the policy (`deadlines.history.policies_as_of`); Form 08 cites the laws
in force then."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deadlines.models import DeadlinePolicy, DeadlineRegime
from dsr.services.policy import deadline_policy_update
from regulator import services
from regulator.documents import form08
from regulator.models import Dossier, DossierKind
from regulator.policy import BREACH_NOTIFICATION, IMPACT_ASSESSMENT
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db
REASON = "Typed the SIEM alert's day, not the SOC's confirmation."


def _edited(request_type: str, regime: str, **changes) -> None:
    row = DeadlinePolicy.objects.get(request_type=request_type, regime=regime)
    deadline_policy_update(actor=DPO, policy_id=row.pk, changes=changes)


def test_a_breach_detected_before_the_edit_and_recorded_after_it_keeps_72_hours():
    make_inventory()
    _edited(BREACH_NOTIFICATION, DeadlineRegime.BANK, period=48)

    breach = make_breach()  # detected MONDAY, months before the edit

    assert breach.notify_due_at == MONDAY + timedelta(hours=72)


def test_a_corrected_detection_is_timed_by_the_policy_as_it_stood_then():
    make_inventory()
    breach = make_breach()
    _edited(BREACH_NOTIFICATION, DeadlineRegime.BANK, period=48)
    detected = MONDAY - timedelta(hours=2)

    services.breach_update(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=10),
                           changes={"detected_at": detected, "correction_reason": REASON})

    breach.refresh_from_db()
    assert breach.notify_due_at == detected + timedelta(hours=72)


def test_form_08_cites_a_law_in_force_at_the_detection_though_switched_off_since():
    make_inventory()
    occurred, detected = (datetime(2025, 12, 31, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                          datetime(2026, 1, 1, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    breach = make_breach(occurred_at=occurred, detected_at=detected, now=detected)
    _edited(BREACH_NOTIFICATION, DeadlineRegime.VN_LAW_91, active=False)

    law = form08(breach, earlier_phases=[], phase=1, kind="initial", submitted_at=detected, late=False)

    assert "Law 91" in law["legal_basis"], law["legal_basis"]


def _local_day(moment: datetime) -> date:
    return moment.astimezone(MONDAY.tzinfo).date()


def test_a_dossier_rescheduled_after_the_edit_keeps_the_days_in_force_at_the_start():
    make_inventory()
    make_catalogue()
    started = MONDAY - timedelta(days=10)
    services.activity_save(actor=DPO, purpose_code="marketing", systems=["crm"],
                           categories=["contact", "marketing"], started_at=started, now=MONDAY)
    services.dossiers_sync(actor=DPO, now=MONDAY)
    _edited(IMPACT_ASSESSMENT, DeadlineRegime.BANK, period=30)
    corrected = started - timedelta(days=1)
    services.activity_save(actor=DPO, purpose_code="marketing", systems=["crm"],
                           categories=["contact", "marketing"], started_at=corrected, now=MONDAY)

    services.dossiers_sync(actor=DPO, now=MONDAY + timedelta(hours=1))

    dossier = Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")
    assert dossier.started_at == corrected
    assert _local_day(dossier.due_at) == _local_day(corrected) + timedelta(days=60)
