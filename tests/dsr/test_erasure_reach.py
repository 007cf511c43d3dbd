"""Read-only review: does a completed deletion (and retention purge) reach every copy of a customer's
personal data that the platform itself keeps? Each test fails on today's main for the defect named in
its docstring and passes once the platform's erasure reaches that copy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import ConsentEvent
from consents.services import consent_withdraw
from core.actors import Actor, actor_for_user
from dsr import services
from dsr.models import (
    ContactChange,
    DataCategory,
    DataSubjectRequest,
    DeletionRecord,
    FulfilmentTask,
    RequestExport,
    RequestStatusChange,
    System,
)
from dsr.models.inventory import PLATFORM_SYSTEM, PlatformData
from dsr.services.erasure import erase
from dsr.services.profile import contact_change_start
from integrations.models import OutboxMessage
from subjects.crypto import blind_index
from subjects.models import DataSubject
from subjects.services import subject_rectify
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import (
    STAFF,
    answered_access,
    awaiting_customer,
    make_aml_rule,
    make_inventory,
    make_request,
    verified_request,
)
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _finish_tasks(request, actor):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=actor, task_id=task.pk, result={"done": True})


def _complete_deletion(subject, privacy_officer, dpo):
    """A deletion request answered as the law has it (tasks done, four eyes). The inventory must exist."""
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    request = verified_request(subject, type="delete", actor=worker)
    _finish_tasks(request, worker)
    services.request_approve(actor=approver, request_id=request.pk)
    done = services.request_complete(actor=worker, request_id=request.pk)
    assert DataSubject.objects.get(pk=subject.pk).phone == ""  # the platform says contact is erased
    return done


# ------------------------------------------------------------------ copies inside the requests area


def test_deletion_erases_the_contact_values_kept_in_earlier_rectification_requests(
    subject, privacy_officer, dpo
):
    """`erase()` blanks the subject's phone/e-mail/address, but a rectification request keeps the
    corrected values in `DataSubjectRequest.corrections`: the erased phone stays on the platform."""
    make_inventory()
    rectify = verified_request(subject, type="rectify", corrections={"phone": "0909000111"})
    _finish_tasks(rectify, STAFF)
    services.request_complete(actor=STAFF, request_id=rectify.pk)
    assert DataSubject.objects.get(pk=subject.pk).phone == "0909000111"
    _complete_deletion(subject, privacy_officer, dpo)
    kept = [
        r.corrections
        for r in DataSubjectRequest.objects.filter(subject=subject)
        if "0909000111" in r.corrections
    ]
    assert kept == [], f"erased phone still kept in request corrections: {kept}"


def test_deletion_erases_the_new_contacts_the_customer_typed_for_confirmation(subject, privacy_officer, dpo):
    """Self-service contact changes (`ContactChange.value`, every value ever typed, confirmed or not)
    are never erased."""
    make_inventory()
    contact_change_start(
        actor=Actor(kind="customer", user_id=None, label="customer#1"),
        subject=subject, field="email", value="moi.cua.toi@example.vn",
    )
    _complete_deletion(subject, privacy_officer, dpo)
    kept = [c.value for c in ContactChange.objects.filter(subject=subject) if c.value]
    assert kept == [], f"contact values kept after erasure: {kept}"


def test_deletion_erases_the_customers_own_words_in_requests_replies_and_withdrawals(
    subject, privacy_officer, dpo
):
    """Free text the customer wrote (request details, the reply to the bank's question, a withdrawal
    reason) stays, encrypted, after the deletion; nothing says it is kept nor why."""
    make_inventory()
    address = "12 Lý Thái Tổ, Hoàn Kiếm"
    complaint = make_request(subject, type="complaint", details=f"Tôi ở {address}, gọi 0912 777 888")
    waiting = awaiting_customer(subject, type="access")
    services.request_customer_reply(
        actor=Actor(kind="customer", user_id=None, label="customer#1"),
        request_id=waiting.pk, subject=subject, text=f"Địa chỉ mới của tôi: {address}",
    )
    # Both closed first: the erasure reaches closed requests only, an open one stays answerable until it
    # closes (tests/dsr/test_erasure_open_requests.py).
    for request in (complaint, waiting):
        services.request_cancel(actor=STAFF, request_id=request.pk)
    consent = grant(subject, make_purpose("marketing-offers", category="marketing"))
    consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=f"Chuyển nhà về {address}")
    _complete_deletion(subject, privacy_officer, dpo)
    kept = []
    complaint.refresh_from_db()
    if address in complaint.details:
        kept.append("DataSubjectRequest.details")
    if any(address in (c.note or "") for c in RequestStatusChange.objects.filter(request__subject=subject)):
        kept.append("RequestStatusChange.note (customer reply)")
    if any(address in (e.reason or "") for e in ConsentEvent.objects.filter(subject_id=subject.pk)):
        kept.append("ConsentEvent.reason (withdrawal reason)")
    assert kept == [], f"the customer's own words outlive the erasure in: {kept}"


# ------------------------------------------------------------------ exports and what systems returned


def test_deletion_empties_an_export_still_within_its_download_window(subject, privacy_officer, dpo):
    """An access export built days before (full name, CCCD, phone, e-mail, address) keeps its content
    for the rest of its 30 days after the customer's data is erased."""
    answered_access(subject)
    phone = subject.phone
    _complete_deletion(subject, privacy_officer, dpo)
    leftovers = [e.pk for e in RequestExport.objects.filter(request__subject=subject) if phone in e.content]
    assert leftovers == [], "export content still holds the erased phone after the deletion"


def test_deletion_erases_what_systems_returned_to_earlier_access_requests(subject, privacy_officer, dpo):
    """`FulfilmentTask.result` of an access request is the data each system holds about the customer;
    the deletion never touches it."""
    answered_access(subject)
    _complete_deletion(subject, privacy_officer, dpo)
    kept = [
        t.system.code
        for t in FulfilmentTask.objects.filter(request__subject=subject, request__type="access")
        if t.result and json.loads(t.result)
    ]
    assert kept == [], f"systems' answers to an access request kept after erasure: {kept}"


def test_the_export_purge_also_forgets_what_the_systems_returned(subject):
    """`exports_purge_expired` empties `RequestExport.content`, but the same data stays in the tasks'
    `result` forever (and `export_build` can rebuild the package from it)."""
    request = answered_access(subject)
    assert services.exports_purge_expired(now=timezone.now() + timedelta(days=31)) == 1
    assert RequestExport.objects.get(request=request).content == ""
    kept = [t.system.code for t in request.tasks.all() if t.result and json.loads(t.result)]
    assert kept == [], f"expired export purged, but the systems' data it was built from is kept: {kept}"


# ------------------------------------------------------------------ messages


def test_deletion_erases_the_outbox_copies_of_messages_to_the_customer(
    subject, privacy_officer, dpo, django_capture_on_commit_callbacks
):
    """`notifications_erase` empties `Notification.context`, but the outbox row carrying the same
    message keeps the customer's e-mail address (`destination`) and the context (`payload`): no
    erasure and no retention purge reaches `core_outboxmessage`."""
    make_inventory()
    email = subject.email
    with django_capture_on_commit_callbacks():
        make_request(subject, type="access")
    assert OutboxMessage.objects.filter(subject_id=subject.pk, kind="email").exists()
    _complete_deletion(subject, privacy_officer, dpo)
    kept = [
        (m.topic, m.status)
        for m in OutboxMessage.objects.filter(subject_id=subject.pk)
        if email in m.destination or email in m.payload
    ]
    assert kept == [], f"erased e-mail address kept in outbox messages: {kept}"


# ------------------------------------------------------------------ the platform's own erasure


def test_a_fresh_installation_knows_the_platform_as_a_system_or_warns():
    """Platform erasure runs only if the inventory holds a System coded 'platform' with categories coded
    'identity'/'contact'; only seed_demo creates it. On a migrated production database a deletion
    erases nothing on the platform, records nothing for it, and is answered 'completed'."""
    from django.core.checks import run_checks

    warned = [m for m in run_checks() if "platform" in str(m.msg).lower()]
    assert System.objects.filter(code=PLATFORM_SYSTEM).exists() or warned, (
        "no 'platform' system after migrate and no check warns: deletions erase nothing on the platform"
    )


def test_no_deletion_record_for_the_platform_without_an_erasure(subject, privacy_officer, dpo):
    """`erase()` writes a DeletionRecord for any platform category, but erases fields only for the codes
    'identity' and 'contact'. A DPO who names the category 'contact_details' gets a proof of deletion
    for data still on the platform."""
    aml = make_aml_rule()
    identity = DataCategory.objects.create(code="kyc", name_vi="KYC", retention=aml)
    contact = DataCategory.objects.create(code="contact_details", name_vi="Contact details")
    platform = System.objects.create(code=PLATFORM_SYSTEM, name_vi="Consent platform", request_types=[])
    platform.categories.set([identity, contact])
    core = System.objects.create(code="core_banking", name_vi="Core banking", request_types=["delete"])
    core.categories.set([identity, contact])
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    request = verified_request(subject, type="delete", actor=worker)
    _finish_tasks(request, worker)
    services.request_approve(actor=approver, request_id=request.pk)
    services.request_complete(actor=worker, request_id=request.pk)
    recorded = DeletionRecord.objects.filter(request=request, system=platform, category=contact).exists()
    still_there = DataSubject.objects.get(pk=subject.pk).phone
    assert not (recorded and still_there), (
        f"deletion record says the platform erased 'contact_details', yet phone={still_there!r} is kept"
    )


# ------------------------------------------------------------------ audit trail


def test_audit_entries_do_not_keep_erased_contacts_matchable_through_the_blind_index_key(
    subject, privacy_officer, dpo
):
    """A rectification's audit entry keeps `fingerprint(value)` = the first 16 hex of the value's blind
    index (HMAC under BLIND_INDEX_KEY, which the platform holds). After erasure the index column is
    blanked, but the append-only audit keeps a 64-bit keyed hash of the old and new phone numbers:
    anyone with the key recovers a 10-digit phone by enumeration."""
    make_inventory()
    old_phone = subject.phone
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": "0909000222"}, reason="test")
    _complete_deletion(subject, privacy_officer, dpo)
    trail = json.dumps([e.data for e in AuditEntry.objects.filter(subject_id=subject.pk)])
    leaked = [v for v in (old_phone, "0909000222") if blind_index(v)[:16] in trail]
    assert leaked == [], f"audit data still carries the blind-index prefix of erased phones: {leaked}"


def test_erasing_the_identity_takes_the_passports_look_up_index_with_it():
    """The passport's blind index (a foreign national's look-up) goes with the number, as the citizen ID's
    does: left behind, the erased record would still answer a search by the passport."""
    make_inventory()
    foreign = make_subject(passport_number="M4444444")
    identity = DataCategory.objects.get(platform_data=PlatformData.IDENTITY)
    with transaction.atomic():
        erase(foreign.pk, category=identity, system=System.objects.get(code=PLATFORM_SYSTEM), actor=STAFF,
              now=timezone.now())
    erased = DataSubject.objects.get(pk=foreign.pk)
    assert (erased.passport_number, erased.passport_number_index) == ("", "")
