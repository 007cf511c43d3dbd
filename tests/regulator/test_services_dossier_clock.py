"""An impact-assessment dossier's 60 days: from the processing's start as it stands when the catalogue is
synced, and the earlier of the bank's commitment and the law's (Law 91 Arts. 20–21; Decree 13 Arts. 24–25)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from audit.models import AuditEntry
from deadlines.models import DeadlinePolicy, DeadlineRegime
from regulator import services
from regulator.models import Dossier, DossierKind
from regulator.policy import IMPACT_ASSESSMENT
from regulator.selectors import dossier_duties
from tests.regulator.factories import DPO, MONDAY, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db
LAW_DAYS = 60


@pytest.fixture
def catalogue():
    make_inventory()
    return make_catalogue()


def _marketing() -> Dossier:
    return Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code="marketing")


def _local_day(moment: datetime) -> date:
    return moment.astimezone(MONDAY.tzinfo).date()


def _marketing_started(at: datetime) -> None:
    services.activity_save(
        actor=DPO, purpose_code="marketing", systems=["crm"], categories=["contact", "marketing"],
        started_at=at, now=MONDAY,
    )


def _bank_days(days: int) -> None:
    bank = DeadlinePolicy.objects.filter(request_type=IMPACT_ASSESSMENT, regime=DeadlineRegime.BANK)
    bank.update(period=days)


def test_a_corrected_start_moves_the_60_days_of_a_dossier_never_filed(catalogue):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    before = _marketing()
    corrected = MONDAY - timedelta(days=100)
    _marketing_started(corrected)

    services.dossiers_sync(actor=DPO, now=MONDAY)

    dossier = _marketing()
    assert dossier.started_at == corrected
    assert _local_day(dossier.due_at) == _local_day(corrected) + timedelta(days=LAW_DAYS)
    duty = next(d for d in dossier_duties() if d.dossier and d.dossier.pk == dossier.pk)
    assert duty.overdue(MONDAY)
    entry = AuditEntry.objects.get(action="regulator.dossier.rescheduled")
    assert (entry.target_id, entry.data) == (
        str(dossier.pk),
        {
            "started_at": [before.started_at.isoformat(), dossier.started_at.isoformat()],
            "due_at": [before.due_at.isoformat(), dossier.due_at.isoformat()],
            # Started in 2025: Decree 13's 60 days, the law then in force.
            "regime": DeadlineRegime.VN_DECREE_13,
        },
    )
    # Nothing moves on a second sync.
    services.dossiers_sync(actor=DPO, now=MONDAY)
    assert AuditEntry.objects.filter(action="regulator.dossier.rescheduled").count() == 1


def test_a_filed_dossier_keeps_the_deadline_it_was_filed_against(catalogue):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    dossier = _marketing()
    services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment="Low risk.", note="First assessment")
    services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=MONDAY)
    _marketing_started(MONDAY - timedelta(days=100))

    services.dossiers_sync(actor=DPO, now=MONDAY)

    kept = _marketing()
    assert (kept.started_at, kept.due_at) == (dossier.started_at, dossier.due_at)
    assert not AuditEntry.objects.filter(action="regulator.dossier.rescheduled").exists()


def test_a_bank_row_longer_than_the_law_does_not_stretch_the_law_s_60_days(catalogue):
    _bank_days(90)
    services.dossiers_sync(actor=DPO, now=MONDAY)
    dossier = _marketing()
    assert _local_day(dossier.due_at) == _local_day(dossier.started_at) + timedelta(days=LAW_DAYS)
    created = AuditEntry.objects.get(action="regulator.dossier.created", target_id=str(dossier.pk))
    assert created.data["regime"] == DeadlineRegime.VN_LAW_91


def test_a_bank_row_shorter_than_the_law_binds(catalogue):
    _bank_days(30)
    services.dossiers_sync(actor=DPO, now=MONDAY)
    dossier = _marketing()
    assert _local_day(dossier.due_at) == _local_day(dossier.started_at) + timedelta(days=30)
    created = AuditEntry.objects.get(action="regulator.dossier.created", target_id=str(dossier.pk))
    assert created.data["regime"] == DeadlineRegime.BANK


def test_a_corrected_start_leaves_a_filing_deadline_that_fell_due(catalogue):
    """The 60 days had run out (the dossier is overdue); a later start recorded since cannot undo that."""
    _marketing_started(MONDAY - timedelta(days=100))
    services.dossiers_sync(actor=DPO, now=MONDAY)
    overdue = _marketing()
    assert overdue.due_at < MONDAY
    corrected = MONDAY - timedelta(days=10)
    _marketing_started(corrected)

    services.dossiers_sync(actor=DPO, now=MONDAY + timedelta(hours=1))

    dossier = _marketing()
    assert (dossier.started_at, dossier.due_at) == (corrected, overdue.due_at)
    duty = next(d for d in dossier_duties() if d.dossier and d.dossier.pk == dossier.pk)
    assert duty.overdue(MONDAY + timedelta(hours=1))
