"""Migration 0021: a stop may be called off (dated), and a restriction's stop may name a purpose resting on
no consent. Both check constraints only widen, swapped without scanning the table under a write lock
(`core.schema.ReplaceCheckOnline`, in a migration that is not atomic); a database at 0020 migrates
forward with its duties intact, and the new constraints hold."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from consents import services
from consents.models import WithdrawalDuty
from core.schema import ReplaceCheckOnline
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

migration = importlib.import_module("consents.migrations.0021_duty_called_off_and_stop_of_purpose")
COLUMNS = ("id", "kind", "status", "consent_id", "purpose_id", "recipient_id", "due_at", "acknowledged_at")


def _stop() -> WithdrawalDuty:
    consent = grant(
        make_subject(), make_purpose("partner-sharing", category="sharing", recipients=[make_recipient()])
    )
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=timezone.now())
    return WithdrawalDuty.objects.get()


def test_the_constraints_are_swapped_online():
    assert migration.Migration.atomic is False
    swapped = [op for op in migration.Migration.operations if isinstance(op, ReplaceCheckOnline)]
    assert [(op.old_name, op.constraint.name) for op in swapped] == [
        ("duty_acknowledged_has_time", "duty_closed_has_time"),
        ("duty_consent_or_rectified_purpose", "duty_consent_or_purpose_shared"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_database_at_0020_migrates_forward_with_its_duties_intact():
    duty = _stop()
    before = WithdrawalDuty.objects.values(*COLUMNS).get()

    call_command("migrate", "consents", "0020", verbosity=0)
    call_command("migrate", "consents", verbosity=0)

    assert WithdrawalDuty.objects.values(*COLUMNS).get() == before
    duty.refresh_from_db()
    assert (duty.called_off_at, duty.acknowledgement_reference) == (None, "")


@pytest.mark.django_db
def test_a_stop_called_off_needs_its_time():
    duty = _stop()
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalDuty.objects.filter(pk=duty.pk).update(status="called_off")
    WithdrawalDuty.objects.filter(pk=duty.pk).update(status="called_off", called_off_at=timezone.now())


@pytest.mark.django_db
def test_only_a_correction_or_a_restrictions_stop_may_name_a_purpose_without_a_consent():
    duty = _stop()
    purpose = duty.consent.purpose
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalDuty.objects.filter(pk=duty.pk).update(consent=None, purpose=purpose)
    WithdrawalDuty.objects.filter(pk=duty.pk).update(
        consent=None, purpose=purpose, kind="restriction", due_at=duty.due_at + timedelta(hours=1)
    )
