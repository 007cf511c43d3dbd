"""Identity gating, the fan-out completing a request, and fulfilment of each request type."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict, InvalidInput, PermissionDenied
from deadlines.policy import add_months
from dsr import services
from dsr.models import (
    DataSubjectRequest,
    DeletionRecord,
    FulfilmentTask,
    LegalHold,
    RequestExport,
    RetentionRule,
)
from dsr.selectors import request_ready_to_answer
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from subjects.models import DataSubject
from tests.consents.factories import child_of
from tests.dsr.factories import (
    MONDAY,
    STAFF,
    make_held_system,
    make_inventory,
    make_request,
    verified_request,
)
from tests.factories import make_webhook

pytestmark = pytest.mark.django_db


def finish_tasks(request, actor=STAFF, result=None):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=actor, task_id=task.pk, result=result or {"checked": True})


# ---------------------------------------------------------------------------- identity


def test_nothing_is_worked_or_answered_before_identity_is_verified(subject):
    make_inventory()
    request = make_request(subject, type="access")
    services.request_acknowledge(actor=STAFF, request_id=request.pk)
    with pytest.raises(Conflict) as error:
        services.request_transition(actor=STAFF, request_id=request.pk, to="in_progress")
    assert error.value.code == "identity_not_verified"
    with pytest.raises(Conflict):
        services.request_complete(actor=STAFF, request_id=request.pk)
    # No system has been asked for anything yet.
    assert not FulfilmentTask.objects.filter(request=request).exists()


def test_verification_records_method_and_verifier_and_fans_out(
    subject, officer, django_capture_on_commit_callbacks
):
    make_inventory()
    request = make_request(subject, type="access")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_identity_otp_send(actor=actor_for_user(officer), request_id=request.pk)
    message = OutboxMessage.objects.get(topic="dsr.identity_code", kind="sms")
    phone, text = message.destination, render_sms(message)
    assert phone == subject.phone
    verified = services.request_verify_identity(
        actor=actor_for_user(officer),
        request_id=request.pk,
        method="otp_phone",
        otp_code=re.search(r"\b\d{6}\b", text).group(),
    )
    assert verified.status == "in_progress"
    assert verified.identity_verified_by == officer
    assert verified.identity_method == "otp_phone"
    assert sorted(verified.tasks.values_list("system__code", flat=True)) == ["core_banking", "marketing"]
    history = list(verified.status_changes.values_list("new_status", flat=True))
    assert history == ["received", "verifying_identity", "in_progress"]
    assert AuditEntry.objects.filter(action="dsr.request.identity_verified").exists()


def test_otp_and_ekyc_need_their_reference(subject):
    request = make_request(subject)
    with pytest.raises(InvalidInput):
        services.request_verify_identity(actor=STAFF, request_id=request.pk, method="ekyc", reference="")


def test_a_guardian_acts_only_once_their_authority_is_verified(subject):
    from subjects import services as core_services

    child = child_of(subject, age=10, verified=False)
    with pytest.raises(InvalidInput):
        make_request(child, guardian=subject)
    child = core_services.subject_guardian_verify(actor=STAFF, subject_id=child.pk, evidence="birth-cert-1")
    request = make_request(child, guardian=subject)
    assert request.guardian == subject


# ---------------------------------------------------------------------------- fan-out and access


def test_last_task_leaves_the_answer_to_staff_then_completion_builds_the_export(subject, client_user):
    systems = make_inventory(corebank_client=client_user)
    request = verified_request(subject, type="access")
    core_task = request.tasks.get(system=systems["core_banking"])
    # The core-banking client may not close the marketing platform's task.
    other = request.tasks.get(system=systems["marketing"])
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=actor_for_user(client_user), task_id=other.pk, result={})
    services.task_complete(
        actor=actor_for_user(client_user),
        task_id=core_task.pk,
        result={"accounts": ["0011004455"], "cards": 1},
    )
    request.refresh_from_db()
    assert request.status == "in_progress"
    services.task_complete(actor=STAFF, task_id=other.pk, result={"segments": ["affluent"]})
    request.refresh_from_db()
    # The last task never answers the customer by itself (issue #18): the request waits, ready.
    assert request.status == "in_progress"
    assert request_ready_to_answer(request)
    assert not RequestExport.objects.filter(request=request).exists()
    services.request_complete(actor=STAFF, request_id=request.pk, note="Your data is attached.")
    request.refresh_from_db()
    assert request.status == "completed"
    assert request.outcome_note == "Your data is attached."
    content = json.loads(RequestExport.objects.get(request=request).content)
    assert content["subject"]["external_ref"] == subject.external_ref
    assert {s["system"]: s["data"] for s in content["systems"]}["core_banking"]["cards"] == 1
    assert [r["id"] for r in content["requests"]] == [str(request.pk)]


def test_task_done_keeps_its_note_and_evidence_and_audits_them(subject):
    make_inventory()
    request = verified_request(subject, type="access")
    task = request.tasks.order_by("system__code").first()
    assert not request_ready_to_answer(request)
    done = services.task_complete(
        actor=STAFF, task_id=task.pk, note="  Exported from T24  ", evidence="TICKET-4471"
    )
    done.refresh_from_db()
    assert (done.note, done.evidence, done.status) == ("Exported from T24", "TICKET-4471", "done")
    entry = AuditEntry.objects.filter(action="dsr.task.completed").latest("pk")
    assert entry.data["evidence"] == "TICKET-4471"
    assert entry.data["note"] is True
    with pytest.raises(InvalidInput):
        other = request.tasks.filter(status="open").first()
        services.task_complete(actor=STAFF, task_id=other.pk, evidence="x" * 301)


def test_request_cannot_complete_while_a_system_task_is_open(subject):
    make_inventory()
    request = verified_request(subject, type="rectify", corrections={"phone": "0909000111"})
    with pytest.raises(Conflict) as error:
        services.request_complete(actor=STAFF, request_id=request.pk)
    assert error.value.code == "tasks_open"


def test_export_download_is_audited_and_expires(subject):
    request = verified_request(subject, type="copy")
    services.request_complete(actor=STAFF, request_id=request.pk)
    for fmt in ("json", "html", "csv"):
        download = services.export_download(actor=STAFF, request=request, format=fmt)
        assert download.body
    assert RequestExport.objects.get(request=request).downloads == 3
    assert AuditEntry.objects.filter(action="dsr.export.downloaded").count() == 3
    with pytest.raises(Conflict) as error:
        services.export_download(
            actor=STAFF, request=request, format="json", now=timezone.now() + timedelta(days=31)
        )
    assert error.value.code == "export_expired"


def test_export_includes_consent_history(subject):
    from tests.consents.factories import grant

    consent = grant(subject)
    request = verified_request(subject, type="access")
    services.request_complete(actor=STAFF, request_id=request.pk)
    content = json.loads(RequestExport.objects.get(request=request).content)
    assert [e["consent"] for e in content["consent_events"]] == [str(consent.pk)]


# ---------------------------------------------------------------------------- rectify


def test_rectification_applies_the_corrections_without_plaintext_in_the_audit(subject):
    request = verified_request(subject, type="rectify", corrections={"phone": "0909 000 111"})
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert DataSubject.objects.get(pk=subject.pk).phone == "0909000111"
    entry = AuditEntry.objects.filter(action="core.subject.rectified").latest("sequence")
    assert "0909000111" not in json.dumps(entry.data)
    assert set(entry.data["changed"]) == {"phone"}


def test_invalid_correction_is_refused_at_intake(subject):
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={"email": "not-an-email"})
    assert error.value.field == "corrections"


def test_correction_refused_at_the_answer_leaves_nothing_half_written(subject):
    request = verified_request(subject, type="rectify", corrections={"date_of_birth": "1999-01-01"})
    # Intake now refuses a date of birth still to come; a request received before it did holds one.
    future = json.dumps({"date_of_birth": "2999-01-01"})
    DataSubjectRequest.objects.filter(pk=request.pk).update(corrections=future)
    with pytest.raises(InvalidInput):
        services.request_complete(actor=STAFF, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert not AuditEntry.objects.filter(action="core.subject.rectified", subject_id=subject.pk).exists()


# ---------------------------------------------------------------------------- delete


def test_deletion_is_partly_held_and_tells_which_part_waits(subject, privacy_officer, dpo):
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=timezone.localdate())
    make_inventory()
    actor = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=actor)
    finish_tasks(request)
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    done = services.request_complete(actor=actor, request_id=request.pk)
    assert done.status == "partially_completed"
    assert done.outcome_reason == "aml_retention"
    held = {(h.system.code, h.category.code) for h in LegalHold.objects.filter(request=request)}
    assert held == {("platform", "identity"), ("core_banking", "identity"), ("core_banking", "transactions")}
    hold = LegalHold.objects.filter(request=request).first()
    assert hold.ends_on == add_months(timezone.localdate(), 60)
    erased = {(r.system.code, r.category.code) for r in DeletionRecord.objects.filter(request=request)}
    assert erased == {
        ("platform", "contact"),
        ("core_banking", "contact"),
        ("marketing", "contact"),
        ("marketing", "marketing"),
    }
    subject.refresh_from_db()
    assert (subject.phone, subject.email, subject.phone_index) == ("", "", "")
    assert subject.full_name  # identity waits under the AML hold
    record_audit = AuditEntry.objects.filter(action="dsr.deletion.recorded").first()
    assert "phone" not in json.dumps(record_audit.data)


def test_deletion_needs_a_responsible_persons_approval(subject, officer):
    request = verified_request(subject, type="delete")
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=actor_for_user(officer), request_id=request.pk)
    with pytest.raises(Conflict):
        services.request_complete(actor=actor_for_user(officer), request_id=request.pk)


# ------------------------------------------------------------------ restrict, object, withdraw, complaint


def test_restriction_makes_the_consent_check_answer_not_allowed(subject):
    from consents.selectors import consent_check
    from tests.consents.factories import grant, make_purpose

    purpose = make_purpose("marketing-offers", category="marketing")
    grant(subject, purpose)
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers").allowed
    request = verified_request(subject, type="object", purposes=["marketing-offers"])
    services.request_complete(actor=STAFF, request_id=request.pk)
    result = consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers")
    assert not result.allowed


def test_a_withdrawal_request_stops_the_processing_once_the_requester_is_verified(subject):
    """The bank stops within its 72 hours: the consent is withdrawn and its recipients told to stop
    when the requester is verified, not when every system has reported and the request is closed."""
    from consents.models import Consent, WithdrawalDuty
    from consents.selectors import consent_check
    from consents.services import duty_acknowledge
    from tests.consents.factories import grant, make_purpose, make_recipient

    purpose = make_purpose("partner-sharing", category="sharing", recipients=[make_recipient("insurer")])
    consent = grant(subject, purpose)
    request = verified_request(subject, type="withdraw", purposes=["partner-sharing"], now=timezone.now())
    assert request.status == "in_progress" and request.withdrawal_applied_at == request.identity_verified_at
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.status == "withdrawn"
    assert consent.events.filter(kind="withdrawn", source=f"dsr.request:{request.pk}").exists()
    assert not consent_check(subject_ref=subject.external_ref, purpose_code="partner-sharing").allowed
    # The recipient's 72 hours run from the request's receipt.
    assert WithdrawalDuty.objects.get(consent=consent).due_at == request.received_at + timedelta(hours=72)

    # Completion withdraws nothing again: a consent the customer gave since stays. (The request is
    # answered once the recipient confirmed it stopped.)
    regranted = grant(subject, purpose)
    duty_acknowledge(actor=STAFF, duty_id=WithdrawalDuty.objects.get(consent=consent).pk, note="Thư xác nhận")
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert Consent.objects.get(pk=regranted.pk).status == "granted"


def test_a_customer_who_confirms_their_own_withdrawal_request_stops_the_processing_at_once(customer_a):
    from consents.models import Consent
    from tests.consents.factories import grant, make_purpose

    subject = customer_a.customer_account.subject
    consent = grant(subject, make_purpose("partner-sharing", category="sharing"))
    customer = actor_for_user(customer_a)
    request = make_request(subject, type="withdraw", actor=customer, channel="mobile_app", now=timezone.now())
    services.request_verify_identity(actor=customer, request_id=request.pk, method="self_service")
    assert Consent.objects.get(pk=consent.pk).status == "withdrawn"


def test_a_withdrawal_in_force_can_no_longer_be_refused_or_cancelled(subject, privacy_officer):
    """It has been carried out: a refusal or a cancellation would tell the customer the opposite."""
    from dsr.selectors import request_allowed_actions
    from tests.consents.factories import grant, make_purpose

    grant(subject, make_purpose("newsletter", category="marketing"))
    request = verified_request(subject, type="withdraw", purposes=["newsletter"], now=timezone.now())
    for end in (services.request_reject, services.request_cancel):
        with pytest.raises(Conflict) as refused:
            end(actor=STAFF, request_id=request.pk)
        assert refused.value.code == "withdrawal_in_force"
    assert "reject" not in request_allowed_actions(request, privacy_officer)
    assert services.request_complete(actor=STAFF, request_id=request.pk).status == "completed"


def test_a_withdrawal_naming_a_purpose_that_rests_on_no_consent_is_refused_at_intake(subject):
    from dsr.models import DataSubjectRequest
    from tests.consents.factories import make_purpose

    make_purpose("fraud-checks", category="service", legal_basis="legal_obligation")
    make_purpose("partner-sharing", category="sharing")
    with pytest.raises(InvalidInput) as refused:
        make_request(subject, type="withdraw", purposes=["partner-sharing", "fraud-checks"])
    assert refused.value.field == "purposes" and refused.value.params["codes"] == "fraud-checks"
    assert not DataSubjectRequest.objects.exists()


def test_after_the_upgrade_one_command_puts_in_force_the_withdrawals_verified_before_it(subject):
    from django.core.management import call_command

    from consents.models import Consent
    from dsr.models import DataSubjectRequest
    from tests.consents.factories import grant, make_purpose

    # A purpose that names no recipient: nothing to wait for once the withdrawal is in force.
    purpose = make_purpose("newsletter", category="marketing")
    request = verified_request(subject, type="withdraw", purposes=["newsletter"], now=timezone.now())
    # As a request verified by an earlier release left it: verified, its consents still live.
    DataSubjectRequest.objects.filter(pk=request.pk).update(withdrawal_applied_at=None)
    consent = grant(subject, purpose, now=request.received_at - timedelta(minutes=1))
    output = io.StringIO()
    call_command("apply_verified_withdrawals", stdout=output)
    assert output.getvalue().startswith("1 withdrawal request(s) put in force.")
    assert Consent.objects.get(pk=consent.pk).status == "withdrawn"
    assert DataSubjectRequest.objects.get(pk=request.pk).withdrawal_applied_at is not None
    call_command("apply_verified_withdrawals", stdout=output)
    assert output.getvalue().endswith("0 withdrawal request(s) put in force.\n")


def test_a_withdrawal_verified_before_it_took_effect_at_once_is_applied_on_completion(subject):
    from consents.models import Consent
    from dsr.models import DataSubjectRequest
    from tests.consents.factories import grant, make_purpose

    # A purpose that names no recipient: nothing to wait for once the withdrawal is in force.
    purpose = make_purpose("newsletter", category="marketing")
    request = verified_request(subject, type="withdraw", purposes=["newsletter"], now=timezone.now())
    # As a request verified by an earlier release left it: verified, its consents still live.
    DataSubjectRequest.objects.filter(pk=request.pk).update(withdrawal_applied_at=None)
    consent = grant(subject, purpose, now=request.received_at - timedelta(minutes=1))
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert Consent.objects.get(pk=consent.pk).status == "withdrawn"


def test_complaint_is_tracked_to_its_answer(subject):
    request = verified_request(subject, type="complaint")
    with pytest.raises(InvalidInput):
        services.request_complete(actor=STAFF, request_id=request.pk)
    answered = services.request_complete(
        actor=STAFF, request_id=request.pk, note="Đã xử lý và xin lỗi quý khách."
    )
    assert answered.status == "completed"
    assert answered.outcome_note == "Đã xử lý và xin lỗi quý khách."


def test_fan_out_queues_a_webhook_for_the_systems_client(
    subject, client_user, django_capture_on_commit_callbacks
):
    make_inventory(corebank_client=client_user)
    make_webhook(client_user, events=["dsr.task.created"])
    request = make_request(subject, type="access")
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_verify_identity(
            actor=STAFF,
            request_id=request.pk,
            method="branch_documents",
            document_number=subject.national_id,
            now=MONDAY + timedelta(hours=1),
        )
    message = OutboxMessage.objects.get(topic="dsr.task.created")
    task = request.tasks.get(system__code="core_banking")
    assert json.loads(message.payload)["task"] == str(task.pk)
    assert len(callbacks) == 1  # the delivery is dispatched only once the transaction commits


def test_a_restriction_is_in_force_until_lifted(subject, client):
    from consents.selectors import consent_check
    from dsr.models import DataSubjectRequest
    from tests.consents.factories import grant, make_purpose

    grant(subject, make_purpose("analytics-x", category="analytics"))
    request = verified_request(subject, type="restrict", purposes=["analytics-x"])
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert not consent_check(subject_ref=subject.external_ref, purpose_code="analytics-x").allowed
    assert services.request_restriction_lift(actor=STAFF, request_id=request.pk, reason="customer_asked") == 1
    assert consent_check(subject_ref=subject.external_ref, purpose_code="analytics-x").allowed
    with pytest.raises(Conflict):
        services.request_restriction_lift(actor=STAFF, request_id=request.pk, reason="customer_asked")
    other = make_request(subject, type="access")
    with pytest.raises(Conflict):
        services.request_restriction_lift(actor=STAFF, request_id=other.pk, reason="customer_asked")
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "completed"


def test_a_deletion_held_by_another_law_says_so(subject, privacy_officer, dpo):
    rule = RetentionRule.objects.create(
        name_vi="Accounting documents: 10 years",
        period_months=120,
        starts="end of the accounting year",
        legal_reference_vi="Law 88/2015/QH13 Art. 41",
        law="accounting",
    )
    make_held_system(code="ledger", name="General ledger", category="accounts", rule=rule)
    actor = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=actor)
    finish_tasks(request)
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    done = services.request_complete(actor=actor, request_id=request.pk)
    assert (done.status, done.outcome_reason) == ("partially_completed", "other_retention")
    assert LegalHold.objects.get(request=request).law == "accounting"


def test_expired_exports_are_emptied_once(subject):
    request = verified_request(subject, type="copy")
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert services.exports_purge_expired() == 0
    later = timezone.now() + timedelta(days=31)
    assert services.exports_purge_expired(now=later) == 1
    assert services.exports_purge_expired(now=later) == 0
    export = RequestExport.objects.get(request=request)
    assert export.content == ""
    assert export.purged_at == later
    assert AuditEntry.objects.filter(action="dsr.export.purged").count() == 1
