"""Migration 0020: the duties written before it are dated `told_at` from their notice's delivery in the
outbox, when it came before the confirmation, a batch at a time. It runs on the models as they stand at
0020 (the historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.utils import timezone

from consents import services
from consents.models import WithdrawalDuty
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject
from tests.migrations import registries_after

migration = importlib.import_module("consents.migrations.0020_duty_told_and_confirmed")
migration_apps = registries_after(
    [("consents", "0020_duty_told_and_confirmed"), ("integrations", "0005_idempotency_access_fingerprint")]
)


def _hooked_stops(count: int) -> list[WithdrawalDuty]:
    partners = [
        make_recipient(
            f"Partner {n}", client=UserFactory(role="integration_client"), url=f"https://p{n}.example/h"
        )
        for n in range(count)
    ]
    consent = grant(make_subject(), make_purpose("partner-sharing", category="sharing", recipients=partners))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=timezone.now())
    return list(WithdrawalDuty.objects.order_by("recipient__name"))


def test_duties_are_dated_from_their_delivery_before_the_confirmation(migration_apps, monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # three duties: two batches
    delivered_open, confirmed_after, confirmed_before = _hooked_stops(3)
    sent = timezone.now()
    OutboxMessage.objects.filter(
        pk__in=[d.notice_message_id for d in (delivered_open, confirmed_after, confirmed_before)]
    ).update(status="sent", sent_at=sent)
    hour = timedelta(hours=1)
    for duty, confirmed_at in ((confirmed_after, sent + hour), (confirmed_before, sent - hour)):
        WithdrawalDuty.objects.filter(pk=duty.pk).update(status="acknowledged", acknowledged_at=confirmed_at)
    WithdrawalDuty.objects.update(told_at=None, learnt_how="")  # as the columns were added

    migration.told_from_the_outbox(migration_apps, None)

    dated = {d.pk: (d.told_at, d.learnt_how) for d in WithdrawalDuty.objects.all()}
    assert dated[delivered_open.pk] == (sent, "")
    assert dated[confirmed_after.pk] == (sent, "notice")
    assert dated[confirmed_before.pk] == (None, "")


def test_the_migration_builds_its_index_online():
    assert migration.Migration.atomic is False
    assert [type(op).__name__ for op in migration.Migration.operations if "Index" in type(op).__name__] == [
        "AddIndexOnline"
    ]
