"""A consent recorded in error (the wrong customer, the wrong purpose, twice) is voided, not withdrawn:
by the DPO or a privacy officer who did not record it, with a coded reason and a note, in one
transaction with its event and audit entry; the recipients are told to stop as after a withdrawal, and
the check answers "voided" from then on while a past moment still answers as it stood."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, ConsentState, ConsentStatus, WithdrawalDuty
from consents.selectors import consent_check, consent_check_as_of
from consents.services import voids
from core.actors import actor_for_user
from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from deadlines.policy import due_at_for
from integrations.models import OutboxMessage
from tests.consents.factories import APP, IMPORTED_ON, STAFF, grant, import_csv, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db


def _void(actor, consent, **fields):
    return services.consent_void(
        actor=actor,
        consent_id=consent.pk,
        reason=fields.pop("reason", "wrong_customer"),
        note=fields.pop("note", "CIF mistyped at the counter; the form is another customer's."),
        **fields,
    )


def _refusal(subject, purpose, at):
    """The customer's "no" on a paper form, recorded by staff at `at`."""
    return services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(subject=subject, purpose=purpose, notice_version="v1",
                                      channel="paper_form", evidence="PF-1"),
        now=at,
    )


def _nothing_written(consent):
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED
    assert list(consent.events.values_list("kind", flat=True)) == ["granted"]
    assert not AuditEntry.objects.filter(action="consents.consent.voided").exists()
    assert not WithdrawalDuty.objects.filter(consent=consent).exists()


def test_the_dpo_voids_a_consent_an_officer_recorded_and_the_check_says_voided(officer, dpo):
    consent = grant(actor=actor_for_user(officer), now=timezone.now() - timedelta(hours=1))
    ref, code = consent.subject.external_ref, consent.purpose.code
    now = timezone.now()

    voided = _void(actor_for_user(dpo), consent, now=now)

    assert voided.status == ConsentStatus.VOIDED and voided.ended_at == now
    assert voided.withdrawn_at is None and voided.withdrawal_channel == ""  # not a withdrawal
    event = voided.events.get(kind=ConsentEvent.Kind.VOIDED)
    assert (event.at, event.actor_user_id, event.actor_label, event.reason) == (
        now, dpo.pk, "dpo_t", "wrong_customer"
    )
    check = consent_check(subject_ref=ref, purpose_code=code, now=now + timedelta(seconds=1))
    assert (check.allowed, check.reason, check.consent) == (False, "voided", consent.pk)
    # What the bank's systems were told before the correction stays what they were told.
    before = consent_check_as_of(subject_ref=ref, purpose_code=code, at=now - timedelta(seconds=1))
    assert (before.allowed, before.reason) == (True, "granted")
    after = consent_check_as_of(subject_ref=ref, purpose_code=code, at=now + timedelta(seconds=1))
    assert (after.allowed, after.reason) == (False, "voided")


def test_the_audit_entry_carries_the_reason_and_the_role(officer, privacy_officer):
    consent = grant(actor=actor_for_user(officer))
    _void(actor_for_user(privacy_officer), consent, reason="wrong_purpose", note="Meant the savings purpose.")
    entry = AuditEntry.objects.get(action="consents.consent.voided", target_id=str(consent.pk))
    assert entry.actor_label == "privacy_t" and entry.subject_id == consent.subject_id
    assert {k: entry.data[k] for k in ("from", "to", "reason", "role")} == {
        "from": "granted",
        "to": "voided",
        "reason": "wrong_purpose",
        "role": "privacy_officer",
    }


def test_recipients_get_the_stop_a_withdrawal_gives_them(dpo, django_capture_on_commit_callbacks):
    client = UserFactory(role="integration_client")
    insurer = make_recipient("Bảo hiểm Đối tác", client=client, url="https://partner.example/hooks")
    bureau = make_recipient("CIC", kind="credit_bureau")
    consent = grant(purpose=make_purpose("sharing", category="sharing", recipients=[insurer, bureau]))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=False):
        _void(actor_for_user(dpo), consent, now=now)

    duties = WithdrawalDuty.objects.stops().filter(consent=consent)
    assert {d.recipient_id for d in duties} == {insurer.pk, bureau.pk}
    due = due_at_for(request_type="withdraw", received_at=now, processor_involved=True)
    assert {d.due_at for d in duties} == {due} and due == now + timedelta(hours=72)
    message = OutboxMessage.objects.get()
    assert message.topic == "consent.withdrawn"  # the recipients' integration already acts on it
    payload = json.loads(message.payload)
    assert payload["voided"] is True and payload["stop_processing_by"] == due.isoformat()
    assert AuditEntry.objects.filter(action="consents.duty.opened", target_id=str(consent.pk)).exists()


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_other_roles_and_systems_may_not_void(role, request):
    consent = grant()
    user = request.getfixturevalue(role)
    for actor in (actor_for_user(user), STAFF, actor_for_user(UserFactory(role="integration_client"))):
        with pytest.raises(PermissionDenied) as error:
            _void(actor, consent)
        assert error.value.code == "void_not_allowed"
    _nothing_written(consent)


def test_whoever_recorded_the_consent_may_not_void_it(dpo):
    """Four eyes: the record's author could otherwise erase their own act."""
    consent = grant(actor=actor_for_user(dpo))
    with pytest.raises(PermissionDenied) as error:
        _void(actor_for_user(dpo), consent)
    assert error.value.code == "four_eyes" and "another" in error.value.text
    _nothing_written(consent)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "customer_changed_mind"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"note": "   "}, "note"),
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_a_reason_from_the_list_and_a_note_are_required(dpo, fields, field):
    consent = grant()
    with pytest.raises(InvalidInput) as error:
        _void(actor_for_user(dpo), consent, **fields)
    assert error.value.field == field
    _nothing_written(consent)


def test_only_a_consent_in_force_or_a_refusal_is_voided(dpo):
    consent = grant()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    with pytest.raises(InvalidTransition) as error:
        _void(actor_for_user(dpo), consent)
    assert error.value.status == 409 and error.value.code == "not_voidable"
    assert "withdrawn" in error.value.text
    with pytest.raises(NotFound):
        services.consent_void(actor=actor_for_user(dpo), consent_id=uuid.uuid4(), reason="other", note="x")
    again = grant()
    _void(actor_for_user(dpo), again)
    with pytest.raises(InvalidTransition):
        _void(actor_for_user(dpo), again)
    assert again.events.filter(kind=ConsentEvent.Kind.VOIDED).count() == 1


def test_a_failure_after_the_move_writes_nothing(dpo, monkeypatch):
    consent = grant(purpose=make_purpose("sharing", recipients=[make_recipient("CIC")]))

    def fails(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(voids, "duties_open_for_withdrawal", fails)
    with pytest.raises(RuntimeError):
        _void(actor_for_user(dpo), consent)
    _nothing_written(consent)
    state = ConsentState.objects.get(consent=consent)
    assert state.status == ConsentStatus.GRANTED


def test_a_refusal_recorded_in_error_is_voided_without_stops_and_a_later_answer_stands(dpo):
    purpose = make_purpose("sharing", recipients=[make_recipient("CIC")])
    subject = make_subject()
    now = timezone.now()
    refusal = _refusal(subject, purpose, now - timedelta(hours=2))
    later = grant(subject, purpose, now=now - timedelta(hours=1))

    _void(actor_for_user(dpo), refusal, reason="duplicate_entry", now=now)

    refusal.refresh_from_db()
    assert refusal.status == ConsentStatus.VOIDED
    assert not WithdrawalDuty.objects.filter(consent=refusal).exists()
    # The customer's later grant still answers: the correction of an older record leaves it alone.
    check = consent_check(subject_ref=subject.external_ref, purpose_code="sharing", now=now)
    assert (check.allowed, check.reason, check.consent) == (True, "granted", later.pk)


def test_a_voided_refusal_answers_voided_now_and_refused_before(dpo):
    purpose = make_purpose("sharing")
    subject = make_subject()
    now = timezone.now()
    refusal = _refusal(subject, purpose, now - timedelta(hours=1))
    _void(actor_for_user(dpo), refusal, now=now)
    ref = subject.external_ref

    def as_of(at):
        return consent_check_as_of(subject_ref=ref, purpose_code="sharing", at=at).reason

    assert consent_check(subject_ref=ref, purpose_code="sharing").reason == "voided"
    assert (as_of(now + timedelta(seconds=1)), as_of(now - timedelta(minutes=1))) == ("voided", "refused")


def test_after_a_void_the_customer_can_consent_for_real(dpo):
    consent = grant()
    _void(actor_for_user(dpo), consent)
    again = grant(consent.subject, consent.purpose)
    assert Consent.objects.filter(subject=consent.subject, status=ConsentStatus.GRANTED).get() == again
    assert consent_check(subject_ref=consent.subject.external_ref, purpose_code=consent.purpose.code).allowed


def test_a_voided_record_is_no_answer_of_the_customer_an_older_paper_form_must_wait_for(dpo):
    """The import refuses a form older than the customer's last answer; a record made in error was never
    one, so the customer's own earlier form is imported after the void."""
    consent = grant(now=timezone.now() - timedelta(hours=1))
    _void(actor_for_user(dpo), consent)
    ref, code = consent.subject.external_ref, consent.purpose.code
    run = import_csv(
        "subject,purpose,notice_version,channel,evidence,granted_at\n"
        f"{ref},{code},v1,paper_form,SCAN-0001,{IMPORTED_ON}\n"
    )
    assert (run.imported, run.errors) == (1, [])
    check = consent_check(subject_ref=ref, purpose_code=code)
    assert (check.allowed, check.reason) == (True, "granted")


def test_a_consent_recorded_in_error_and_past_its_term_is_voided_with_stops_from_its_term(dpo):
    """The record was wrong whether or not it ran out. Its expiry was never recorded, so no expiry told
    the recipients to stop: the void does, their time running from the end of the term."""
    now = timezone.now()
    consent = grant(purpose=make_purpose("sharing", recipients=[make_recipient("CIC")]),
                    now=now - timedelta(hours=3), expires_at=now - timedelta(hours=1))
    _void(actor_for_user(dpo), consent, now=now)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.VOIDED
    assert list(consent.events.values_list("kind", flat=True)) == ["granted", "voided"]
    stops = WithdrawalDuty.objects.stops().filter(consent=consent)
    assert list(stops.values_list("recipient__name", "received_at")) == [("CIC", consent.expires_at)]


def _answer_in_self_service(actor, answer, channel, session="sess-1", evidence=""):
    subject, purpose = make_subject(), make_purpose()
    request = services.GrantRequest(
        subject=subject, purpose=purpose, notice_version="v1", channel=channel, session_ref=session,
        evidence=evidence,
    )
    if answer == "granted":
        return services.consent_grant(actor=actor, request=request)
    return services.consent_refuse(actor=actor, request=request)


@pytest.mark.parametrize("answer", ["granted", "refused"])
def test_an_answer_the_customer_gave_signed_in_is_not_voided(dpo, customer_a, answer):
    """The customer's own act, signed in, is theirs to change: a voided "no" of theirs let an older paper
    form through to "allowed" (the import skips voided records)."""
    consent = _answer_in_self_service(actor_for_user(customer_a), answer, "internet_banking")
    with pytest.raises(InvalidTransition) as error:
        _void(actor_for_user(dpo), consent)
    assert error.value.code == "customer_own_answer"
    consent.refresh_from_db()
    assert consent.status == answer
    assert not AuditEntry.objects.filter(action="consents.consent.voided").exists()


@pytest.mark.parametrize("channel", ["internet_banking", "mobile_app", "api"])
@pytest.mark.parametrize("proof", [{"session": "sess-7f3a"}, {"session": "", "evidence": "app-log-7"}])
def test_an_integrations_self_service_record_is_voided_only_as_another_customers(dpo, channel, proof):
    """What the app, internet banking or a partner API reported is the customer's act (its session or its
    log reference is the integration's word): the bank can only say the integration named the wrong
    customer. Voided for another reason, a "no" of theirs gave way to an older paper form."""
    refusal = _answer_in_self_service(APP, "refused", channel, **proof)
    with pytest.raises(InvalidInput) as error:
        _void(actor_for_user(dpo), refusal, reason="duplicate_entry")
    assert (error.value.field, error.value.code) == ("reason", "customer_own_answer")
    refusal.refresh_from_db()
    assert refusal.status == ConsentStatus.REFUSED
    assert _void(actor_for_user(dpo), refusal, reason="wrong_customer").status == ConsentStatus.VOIDED


def test_an_imported_row_on_a_self_service_channel_is_the_banks_record(dpo):
    """A legacy record imported with its app channel may be wrong for any reason."""
    subject, purpose = make_subject(), make_purpose()
    run = import_csv(
        "subject,purpose,notice_version,channel,evidence,granted_at\n"
        f"{subject.external_ref},{purpose.code},v1,mobile_app,APP-LOG-1,{IMPORTED_ON}\n"
    )
    assert (run.imported, run.errors) == (1, [])
    imported = Consent.objects.get(subject=subject, purpose=purpose)
    assert _void(actor_for_user(dpo), imported, reason="duplicate_entry").status == ConsentStatus.VOIDED


def test_a_self_service_consent_no_longer_in_force_is_refused_as_not_voidable(dpo, customer_a):
    consent = _answer_in_self_service(actor_for_user(customer_a), "granted", "internet_banking")
    services.consent_withdraw(
        actor=actor_for_user(customer_a), consent_id=consent.pk, channel="internet_banking"
    )
    with pytest.raises(InvalidTransition) as error:
        _void(actor_for_user(dpo), consent)
    assert error.value.code == "not_voidable"
