"""Withdrawal: effective at once in the check, duties per recipient due in 72 hours, signed notices queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, WithdrawalDuty
from consents.selectors import consent_check, withdrawal_complete, withdrawal_duties_open
from core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from deadlines.policy import due_at_for
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, SYSTEM, grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject, signed_in

pytestmark = pytest.mark.django_db


def test_withdrawal_is_effective_at_once_and_history_is_kept():
    consent = grant()
    ref = consent.subject.external_ref
    assert consent_check(subject_ref=ref, purpose_code=consent.purpose.code).allowed

    services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="call_centre", reason="no more calls"
    )

    result = consent_check(subject_ref=ref, purpose_code=consent.purpose.code)
    assert (result.allowed, result.reason, result.consent) == (False, "withdrawn", consent.pk)
    consent.refresh_from_db()
    assert (
        consent.status == "withdrawn" and consent.withdrawn_at and consent.withdrawal_channel == "call_centre"
    )
    assert list(consent.events.values_list("kind", flat=True)) == ["granted", "withdrawn"]
    assert AuditEntry.objects.filter(action="consents.consent.withdrawn", target_id=str(consent.pk)).exists()


def test_each_recipient_gets_a_duty_due_by_the_bank_commitment_and_a_signed_notice(
    django_capture_on_commit_callbacks,
):
    client = UserFactory(role="integration_client")
    insurer = make_recipient("Bảo hiểm Đối tác", client=client, url="https://partner.example/hooks")
    bureau = make_recipient("CIC", kind="credit_bureau")
    purpose = make_purpose("partner-sharing", category="sharing", recipients=[insurer, bureau])
    consent = grant(purpose=purpose)
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=now)

    duties = {d.recipient_id: d for d in WithdrawalDuty.objects.all()}
    assert set(duties) == {insurer.pk, bureau.pk}
    due = due_at_for(request_type="withdraw", received_at=now, processor_involved=True)
    assert due == now + timedelta(hours=72)  # the bank's published commitment
    assert all(d.due_at == due for d in duties.values())
    message = OutboxMessage.objects.get()
    assert duties[insurer.pk].notice_message_id == message.pk and duties[bureau.pk].notice_message_id is None
    assert message.dedupe_key == f"withdrawal:{consent.pk}:recipient:{insurer.pk}"
    assert message.topic == "consent.withdrawn" and message.status == "pending"
    assert len(callbacks) == 1  # delivery dispatched on commit, never inside the transaction
    assert list(withdrawal_duties_open(now=now + timedelta(hours=73)).values_list("overdue", flat=True)) == [
        True,
        True,
    ]
    consent.refresh_from_db()
    assert not withdrawal_complete(consent)

    with pytest.raises(PermissionDenied):
        services.duty_acknowledge(actor=STAFF, duty_id=duties[bureau.pk].pk, client_user_id=client.pk)
    services.duty_acknowledge(actor=STAFF, duty_id=duties[insurer.pk].pk, client_user_id=client.pk)
    services.duty_acknowledge(actor=STAFF, duty_id=duties[bureau.pk].pk, note="letter received")
    with pytest.raises(InvalidTransition):
        services.duty_acknowledge(actor=STAFF, duty_id=duties[bureau.pk].pk, note="letter received")
    assert withdrawal_complete(consent)
    assert not withdrawal_duties_open(now=now).exists()


def test_a_recipient_the_consent_covered_is_told_to_stop_after_a_narrowing_removed_it():
    """The broker received the data under this consent; the purpose's scope has since dropped it, but
    the withdrawal still makes it stop. So does a recipient the bank has since stopped working with: it
    was named in what the customer agreed to and received the data (domain notes: the bank makes
    recipients stop, keeping their acknowledgements)."""
    insurer, broker, ended = make_recipient("Insurer"), make_recipient("Broker"), make_recipient("Ended")
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[insurer, broker, ended],
        effective_at=timezone.now() - timedelta(days=30),
    )
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    ended.active = False
    ended.save()

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    told = set(WithdrawalDuty.objects.filter(consent=consent).values_list("recipient__name", flat=True))
    assert told == {"Insurer", "Broker", "Ended"}


def test_withdrawing_twice_or_a_non_consent_purpose_is_refused():
    consent = grant()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    with pytest.raises(InvalidTransition):
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    kyc = make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    with pytest.raises(Conflict) as error:
        services.consents_withdraw_for_subject(
            actor=STAFF, subject=consent.subject, purposes=[kyc], channel="branch"
        )
    assert error.value.code == "not_consent_based" and "transparency" in error.value.text


def test_withdrawing_a_consent_past_its_term_records_its_expiry_and_answers_already_expired():
    """Before the hourly sweep: the consent ran out, so there was nothing left to withdraw. The expiry is
    recorded and kept, its recipients told to stop as the expiry's (the sweep would have told them); the
    answer is the 409 of a consent already ended."""
    now = timezone.now()
    purpose = make_purpose("sharing", recipients=[make_recipient("CIC")])
    one = grant(purpose=purpose, now=now - timedelta(hours=3), expires_at=now - timedelta(hours=1))
    with pytest.raises(InvalidTransition) as error:
        services.consent_withdraw(actor=STAFF, consent_id=one.pk, channel="branch", now=now)
    assert (error.value.code, error.value.status) == ("not_live", 409) and "expired" in error.value.text
    other = grant(purpose=purpose, now=now - timedelta(hours=3), expires_at=now - timedelta(hours=1))
    assert services.consents_withdraw_for_subject(
        actor=STAFF, subject=other.subject, channel="branch", now=now
    ) == []
    for consent in (one, other):
        assert list(consent.events.values_list("kind", flat=True)) == ["granted", "expired"]
        consent.refresh_from_db()
        assert consent.status == "expired" and consent.withdrawn_at is None
        # Once each, from the end of the term, not from the withdrawal.
        assert list(consent.duties.values_list("received_at", flat=True)) == [consent.expires_at]


def test_bad_channel_or_foreign_subject_writes_nothing():
    consent = grant()
    with pytest.raises(InvalidInput):
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="fax")
    with pytest.raises(NotFound):
        services.consent_withdraw(
            actor=STAFF, consent_id=consent.pk, channel="branch", subject_id=make_subject().pk
        )
    assert Consent.objects.get().status == "granted"
    assert ConsentEvent.objects.count() == 1


def test_withdraw_several_or_all_purposes_of_a_subject():
    subject = make_subject()
    purposes = [make_purpose(f"p{i}") for i in range(3)]
    for purpose in purposes:
        grant(subject, purpose)
    withdrawn = services.consents_withdraw_for_subject(
        actor=SYSTEM, subject=subject, purposes=purposes[:2], channel="api", source="dsr.request:7"
    )
    assert {c.purpose.code for c in withdrawn} == {"p0", "p1"}
    assert consent_check(subject_ref=subject.external_ref, purpose_code="p2").allowed
    rest = services.consents_withdraw_for_subject(actor=SYSTEM, subject=subject, channel="api")
    assert [c.purpose.code for c in rest] == ["p2"]
    assert services.consents_withdraw_for_subject(actor=SYSTEM, subject=subject, channel="api") == []
    assert ConsentEvent.objects.filter(kind="withdrawn", source="dsr.request:7").count() == 2


def test_dsr_style_withdrawal_inside_the_callers_transaction_rolls_back_with_it():
    from django.db import transaction

    consent = grant()

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed), transaction.atomic():
        services.consent_withdraw_in_transaction(
            actor=SYSTEM, consent_id=consent.pk, channel="api", source="dsr.request:11"
        )
        raise CallerFailed
    consent.refresh_from_db()
    assert consent.status == "granted"
    assert consent_check(subject_ref=consent.subject.external_ref, purpose_code=consent.purpose.code).allowed

    with transaction.atomic():
        services.consent_withdraw_in_transaction(
            actor=SYSTEM, consent_id=consent.pk, channel="api", source="dsr.request:11"
        )
    assert ConsentEvent.objects.get(kind="withdrawn").source == "dsr.request:11"


def test_a_deactivated_recipient_the_customer_agreed_to_gets_a_duty_chased_by_hand(officer):
    """Deactivated after the grant, with a webhook endpoint still on file: the duty is opened, but no
    notice goes to a relationship the bank ended; the duties page shows staff it is theirs to chase."""
    client = UserFactory(role="integration_client")
    former = make_recipient("Former Partner", client=client, url="https://former.example/hooks")
    purpose = make_purpose("partner-sharing", category="sharing", recipients=[former])
    consent = grant(purpose=purpose)
    former.active = False
    former.save()

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    duty = WithdrawalDuty.objects.get(consent=consent)
    assert duty.recipient_id == former.pk and duty.status == "open" and duty.notice_message_id is None
    assert not OutboxMessage.objects.exists()
    assert AuditEntry.objects.get(action="consents.duty.opened").data["recipients"] == [former.pk]
    page = signed_in(officer).get("/en/portal/withdrawal-duties/").content.decode()
    assert "Former Partner" in page and "Recipient no longer active: contact it by hand" in page
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter from the former partner")
    consent.refresh_from_db()
    assert withdrawal_complete(consent)


def test_an_inactive_recipient_the_customer_never_agreed_to_is_not_told():
    """Added to the purpose after the grant (a widening the customer never agreed to) and deactivated
    since: it never had this customer's data under this consent, so no duty."""
    insurer = make_recipient("Insurer")
    purpose = make_purpose("partner-sharing", category="sharing", recipients=[insurer])
    consent = grant(purpose=purpose)
    later = make_recipient("Later")
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer, later],
                            effective_at=timezone.now() + timedelta(days=31))
    purpose.recipients.add(later)  # the widening took effect
    later.active = False
    later.save()

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    told = set(WithdrawalDuty.objects.filter(consent=consent).values_list("recipient__name", flat=True))
    assert told == {"Insurer"}


def test_an_old_consent_without_recipients_in_its_receipt_tells_those_of_its_version_or_purpose():
    """Consents recorded before receipts froze the scope: the version the customer agreed to names the
    recipients (one a narrowing removed since, then deactivated, included); without that either, the
    purpose's recipients are the best record of who had the data, active or not."""
    kept, former = make_recipient("Kept"), make_recipient("Former")
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[kept, former],
        effective_at=timezone.now() - timedelta(days=30),
    )
    versioned = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[kept])
    other = make_purpose("old-sharing", category="sharing", recipients=[kept, former])
    oldest = grant(purpose=other)
    Consent.objects.filter(pk__in=[versioned.pk, oldest.pk]).update(snapshot={})
    other.notices.update(scope={})
    former.active = False
    former.save()

    for consent in (versioned, oldest):
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
        told = set(WithdrawalDuty.objects.filter(consent=consent).values_list("recipient__name", flat=True))
        assert told == {"Kept", "Former"}, consent.purpose.code
