"""A consent that ends by expiry, or by being replaced by a consent to a newer notice, tells its recipients
to stop as a withdrawal does (domain notes: the bank makes its recipients stop within its commitment and
keeps their acknowledgements): one duty per recipient of the ended consent's agreed scope, the signed
`consent.withdrawn` notice saying why (`cause`), in the transaction that records the end."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentStatus, WithdrawalDuty
from deadlines.policy import due_at_for
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, SYSTEM, grant, make_purpose, make_recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharing():
    """A sharing purpose with a partner that has a webhook endpoint and a bureau that has none."""
    client = UserFactory(role="integration_client")
    partner = make_recipient("Partner Insurance Y", client=client, url="https://partner.example/hooks")
    bureau = make_recipient("CIC", kind="credit_bureau")
    purpose = make_purpose("share", category="sharing", recipients=[partner, bureau],
                           effective_at=timezone.now() - timedelta(days=90))
    return purpose, partner, bureau


def _told(consent) -> dict[int, WithdrawalDuty]:
    return {duty.recipient_id: duty for duty in WithdrawalDuty.objects.stops().filter(consent=consent)}


def _body(message: OutboxMessage) -> dict:
    return json.loads(message.payload)


def test_the_sweep_tells_every_recipient_of_an_expired_consent_to_stop(sharing):
    purpose, partner, bureau = sharing
    now = timezone.now()
    consent = grant(purpose=purpose, now=now - timedelta(days=10), expires_at=now - timedelta(hours=2))

    assert services.consents_expire_due(now=now) == 1

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED
    duties = _told(consent)
    assert set(duties) == {partner.pk, bureau.pk}
    # The recipients' time runs from the end of the term, as a withdrawal's from its receipt.
    due = due_at_for(request_type="withdraw", received_at=consent.expires_at, subject=consent.subject,
                     processor_involved=True)
    assert {(d.received_at, d.due_at) for d in duties.values()} == {(consent.expires_at, due)}
    message = OutboxMessage.objects.get()
    assert duties[partner.pk].notice_message_id == message.pk
    assert message.topic == "consent.withdrawn"
    assert _body(message)["cause"] == "expired"
    assert _body(message)["stop_processing_by"] == due.isoformat()
    opened = AuditEntry.objects.get(action="consents.duty.opened", target_id=str(consent.pk))
    assert sorted(opened.data["recipients"]) == sorted([partner.pk, bureau.pk])
    # A second run changes nothing.
    assert services.consents_expire_due(now=now) == 0
    assert WithdrawalDuty.objects.count() == 2


def test_a_withdrawal_that_finds_the_term_ended_tells_the_recipients_once_as_an_expiry(sharing):
    purpose, partner, bureau = sharing
    now = timezone.now()
    consent = grant(purpose=purpose, now=now - timedelta(days=10), expires_at=now - timedelta(hours=2))

    services.consents_withdraw_for_subject(actor=STAFF, subject=consent.subject, channel="branch", now=now)

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED
    assert set(_told(consent)) == {partner.pk, bureau.pk}
    assert _body(OutboxMessage.objects.get())["cause"] == "expired"


def test_a_replacement_tells_only_the_recipients_the_new_consent_does_not_name():
    alpha, beta = make_recipient("Alpha Partner"), make_recipient("Beta Partner")
    purpose = make_purpose("sharing", category="sharing", recipients=[alpha, beta])
    first = grant(purpose=purpose)
    services.purpose_update(actor=SYSTEM, code="sharing", changes={}, recipients=[alpha])
    version = purpose.notices.order_by("-effective_at").first().version

    second = grant(subject=first.subject, purpose=purpose, notice_version=version)

    first.refresh_from_db()
    assert first.status == ConsentStatus.SUPERSEDED
    assert set(_told(first)) == {beta.pk}
    services.consent_withdraw(actor=STAFF, consent_id=second.pk, channel="branch")
    told = WithdrawalDuty.objects.stops().filter(subject_id=first.subject_id)
    assert sorted(told.values_list("recipient__name", flat=True)) == ["Alpha Partner", "Beta Partner"]


def test_a_replacement_that_keeps_every_recipient_tells_nobody(sharing):
    purpose, _partner, _bureau = sharing
    first = grant(purpose=purpose)
    services.notice_publish(actor=SYSTEM, code="share", version="v2", text_vi="Mới", text_en="New",
                            effective_at=timezone.now() - timedelta(minutes=1),
                            now=timezone.now() - timedelta(days=40))

    grant(subject=first.subject, purpose=purpose, notice_version="v2")

    first.refresh_from_db()
    assert first.status == ConsentStatus.SUPERSEDED
    assert not WithdrawalDuty.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_replacement_notice_says_why(sharing):
    purpose, partner, bureau = sharing
    first = grant(purpose=purpose)
    services.purpose_update(actor=SYSTEM, code="share", changes={}, recipients=[bureau])
    services.scope_stops_run_queued()
    version = purpose.notices.order_by("-effective_at").first().version

    grant(subject=first.subject, purpose=purpose, notice_version=version)

    assert set(_told(first)) == {partner.pk}
    # The narrowing itself told the partner to stop (`recipient_removed`); the replacement ends the consent.
    bodies = [_body(message) for message in OutboxMessage.objects.filter(topic="consent.withdrawn")]
    causes = sorted((body["cause"], body["consent"]) for body in bodies)
    assert causes == [("recipient_removed", str(first.pk)), ("superseded", str(first.pk))]


def test_the_import_that_records_an_expiry_tells_the_recipients(sharing):
    purpose, partner, bureau = sharing
    now = timezone.now()
    old = grant(purpose=purpose, now=now - timedelta(days=60), expires_at=now - timedelta(days=5))
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    lines = io.StringIO(
        "subject,purpose,notice_version,channel,evidence,granted_at,outcome\n"
        f"{old.subject.external_ref},share,v1,paper_form,scan-1,{day},granted\n"
    ).readlines()

    run = services.consents_import_csv(actor=SYSTEM, filename="forms.csv", lines=lines)

    assert run.imported == 1, run.errors
    old.refresh_from_db()
    assert old.status == ConsentStatus.EXPIRED
    assert set(_told(old)) == {partner.pk, bureau.pk}
    assert _body(OutboxMessage.objects.get())["cause"] == "expired"
