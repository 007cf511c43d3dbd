"""A guardian's consent from an old paper form, given alone for a child then under 7 and now 7 or over:
the import records it ended on the 7th birthday, as the daily job would have, its recipients told to stop
from the import (the platform could not have told them before), and the report says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, WithdrawalDuty
from consents.selectors.rule import own_agreement_due_from
from consents.services import consents_import_csv
from consents.services.child_stops import consents_stop_outgrown
from consents.services.withdrawals import OUTGROWN_STOP_REASON
from deadlines.policy import local_midnight
from notifications.models import Notification
from tests.consents.factories import child_of, make_purpose, make_recipient
from tests.consents.import_files import IMPORTER, csv_lines
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def savings_offers():
    return make_purpose("savings-offers", category="service",
                        recipients=[make_recipient("Partner Insurance")],
                        effective_at=timezone.now() - timedelta(days=9 * 365))


def test_an_outgrown_guardian_consent_is_imported_ended_at_the_birthday_its_stops_due_from_the_import(
    savings_offers,
):
    parent = make_subject()
    child = child_of(parent, age=10)
    now = timezone.now()
    day = (timezone.localdate() - timedelta(days=6 * 365)).isoformat()  # the child was 4
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", now=now, lines=csv_lines(
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-2020-7,{day},{parent.external_ref},,granted"))

    assert (run.imported, run.refused) == (1, 0), run.errors
    consent = Consent.objects.get(subject=child)
    birthday = local_midnight(own_agreement_due_from(child.date_of_birth))
    assert consent.status == "withdrawn" and consent.ended_at == birthday
    assert consent.events.get(kind="withdrawn").reason == OUTGROWN_STOP_REASON
    (duty,) = WithdrawalDuty.objects.filter(consent=consent)
    assert duty.received_at == now and duty.due_at > now
    (note,) = run.notes
    assert note["line"] == 2 and "7th birthday" in note["note"]
    # Day first, as the import's other messages write a day.
    assert own_agreement_due_from(child.date_of_birth).strftime("%d/%m/%Y") in note["note"]
    # The family hears of it once, as from the daily job; the job then finds nothing left to stop.
    assert Notification.objects.filter(subject=parent, topic="consents.customer.platform_stop").count() == 1
    assert consents_stop_outgrown(now=now) == 0


def test_a_guardian_consent_the_child_has_not_outgrown_is_imported_live(savings_offers):
    parent = make_subject()
    child = child_of(parent, age=5)
    day = (timezone.localdate() - timedelta(days=365)).isoformat()
    run = consents_import_csv(actor=IMPORTER, filename="legacy.csv", lines=csv_lines(
        f"{child.external_ref},savings-offers,v1,paper_form,SCAN-2024-7,{day},{parent.external_ref},,granted"))

    assert (run.imported, run.notes) == (1, []), run.errors
    assert Consent.objects.get(subject=child).status == "granted"
    assert not WithdrawalDuty.objects.filter(subject=child).exists()
