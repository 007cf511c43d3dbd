"""What keeps the platform's erasure honest and complete beyond the copies themselves: a deletion is
refused while the platform is missing from the inventory (and `manage.py check` says so), a platform
category must name the fields it erases, a message waiting for the erased address is never sent, an
export erased early cannot be downloaded, consent receipts change only in the erased reason, and
the nightly purges forget old contact changes and old e-mail/SMS bodies."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import REASON_ERASED, ConsentEvent
from consents.receipts import consent_receipt
from consents.services import consent_withdraw
from core.actors import Actor, actor_for_user
from core.errors import Conflict, InvalidInput
from dsr import services
from dsr.checks import platform_check
from dsr.models import ContactChange, DataCategory, DataSubjectRequest, DeletionRecord, FulfilmentTask
from dsr.services import inventory
from dsr.services.exports import export_download
from dsr.services.profile import CONTACT_CHANGES_KEPT_FOR, contact_change_start, contact_changes_purge
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_email
from integrations.outbox_retention import outbox_purge_delivered
from notifications.models import Notification
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, answered_access, make_inventory, make_request, verified_request

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#1")


def _complete_deletion(subject, privacy_officer, dpo):
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    return services.request_complete(actor=worker, request_id=request.pk)


# ------------------------------------------------------------------ the platform in the inventory


def test_a_deletion_is_refused_while_the_platform_is_not_in_the_inventory(subject, privacy_officer, dpo):
    """Without the platform as a system, the platform erased nothing and the answer said 'completed'."""
    with pytest.raises(Conflict) as refused:
        _complete_deletion(subject, privacy_officer, dpo)
    assert refused.value.code == "platform_not_in_inventory"
    assert DataSubject.objects.get(pk=subject.pk).phone == subject.phone
    assert DataSubjectRequest.objects.get(subject=subject, type="delete").status == "in_progress"


def test_manage_py_check_warns_until_the_platform_knows_its_identity_and_contact_data():
    assert [m.id for m in platform_check()] == ["dsr.W002"]
    make_inventory()
    assert platform_check() == []
    DataCategory.objects.filter(code="identity").update(platform_data="")
    (warning,) = platform_check()
    assert "'identity' names no platform fields" in warning.msg


def test_the_platform_cannot_hold_a_category_that_names_none_of_its_fields(dpo):
    actor = actor_for_user(dpo)
    vague = inventory.category_save(
        actor=actor, category=None, code="contact_details", name_vi="Liên hệ", name_en="Contact details"
    )
    fields = {"code": "platform", "name_vi": "Nền tảng", "name_en": "Platform", "request_types": [],
              "integration_client": None, "is_processor": False, "active": True}
    with pytest.raises(InvalidInput) as refused:
        inventory.system_save(actor=actor, system=None, categories=[vague], **fields)
    assert refused.value.field == "categories"
    assert "contact_details" in str(refused.value.message % refused.value.params)
    mapped = inventory.category_save(actor=actor, category=vague, platform_data="contact")
    assert inventory.system_save(actor=actor, system=None, categories=[mapped], **fields).code == "platform"


def test_the_dpo_is_told_why_a_platform_category_cannot_lose_its_fields(client, dpo):
    make_inventory()
    contact = DataCategory.objects.get(code="contact")
    client.force_login(dpo)
    page = client.post(
        reverse("dsr:category_edit", args=[contact.pk]),
        {"name_vi": "Liên hệ", "name_en": "Contact", "platform_data": ""},
    )
    assert page.status_code == 200
    assert "Chính nền tảng lưu giữ danh mục này" in page.content.decode()
    assert list(page.context["form"].errors) == ["platform_data"]
    assert DataCategory.objects.get(pk=contact.pk).platform_data == "contact"


def test_a_held_platform_category_is_erased_and_recorded_when_its_hold_ends(subject, privacy_officer, dpo):
    """make_inventory keeps the platform's identity under AML: erased (and recorded) only at release."""
    make_inventory()
    ended = timezone.localdate() - timedelta(days=6 * 366)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=ended)
    request = _complete_deletion(subject, privacy_officer, dpo)
    assert DataSubject.objects.get(pk=subject.pk).full_name == subject.full_name
    services.legal_holds_release_due(now=timezone.now())
    assert DataSubject.objects.get(pk=subject.pk).full_name == ""
    assert DeletionRecord.objects.filter(request=request, system__code="platform", category__code="identity")


# ------------------------------------------------------------------ copies the erasure reaches


def test_an_email_still_waiting_at_the_erasure_is_never_sent(
    subject, privacy_officer, dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    with django_capture_on_commit_callbacks():  # delivery is not run: the message waits
        make_request(subject, type="access")
    waiting = OutboxMessage.objects.get(subject_id=subject.pk, kind="email", status="pending")
    _complete_deletion(subject, privacy_officer, dpo)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.destination, waiting.payload) == ("cancelled", "", "")
    assert waiting.topic and waiting.created_at and waiting.content_erased_at
    assert outbox_deliver(waiting.pk, now=timezone.now() + timedelta(hours=1)) is None
    erased = AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=subject.pk)
    assert sum(e.data["outbox_cancelled"] for e in erased) >= 1


def test_an_export_erased_with_the_customer_cannot_be_downloaded(subject, privacy_officer, dpo):
    request = answered_access(subject)
    _complete_deletion(subject, privacy_officer, dpo)
    with pytest.raises(Conflict) as refused:
        export_download(actor=STAFF, request=request, format="json")
    assert refused.value.code == "export_erased"
    assert AuditEntry.objects.filter(action="dsr.export.purged", subject_id=subject.pk).count() == 1


def test_a_withdrawal_receipt_changes_only_in_the_erased_reason(subject, privacy_officer, dpo):
    make_inventory()
    consent = grant(subject, make_purpose("marketing-offers", category="marketing"))
    consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason="Tôi chuyển về Đà Nẵng")
    granted, withdrawn = ConsentEvent.objects.filter(consent=consent).order_by("at", "kind")
    before = {e.pk: consent_receipt(consent, event_id=e.pk) for e in (granted, withdrawn)}
    _complete_deletion(subject, privacy_officer, dpo)
    consent.refresh_from_db()
    assert consent_receipt(consent, event_id=granted.pk) == before[granted.pk]
    after = consent_receipt(consent, event_id=withdrawn.pk)
    expected = before[withdrawn.pk]
    expected["events"][-1]["reason"] = REASON_ERASED
    assert after == expected


def test_a_rectification_after_the_erasure_uses_a_new_secret(subject, privacy_officer, dpo):
    make_inventory()
    rectify = verified_request(subject, type="rectify", corrections={"phone": "0909000333"})
    for task in FulfilmentTask.objects.filter(request=rectify, status="open"):
        services.task_complete(actor=STAFF, task_id=task.pk, result={"done": True})
    services.request_complete(actor=STAFF, request_id=rectify.pk)
    salt = DataSubject.objects.get(pk=subject.pk).fingerprint_salt
    assert len(salt) == 32
    _complete_deletion(subject, privacy_officer, dpo)
    assert DataSubject.objects.get(pk=subject.pk).fingerprint_salt == ""


# ------------------------------------------------------------------ nightly purges


def test_settled_contact_changes_are_purged_after_a_week(subject):
    long_ago = timezone.now() - CONTACT_CHANGES_KEPT_FOR - timedelta(days=1)
    old = contact_change_start(
        actor=CUSTOMER, subject=subject, field="email", value="cu@example.vn", now=long_ago
    )
    waiting = contact_change_start(actor=CUSTOMER, subject=subject, field="phone", value="0911222333")
    assert contact_changes_purge() == 1
    assert list(ContactChange.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not ContactChange.objects.filter(pk=old.pk).exists()
    entry = AuditEntry.objects.get(action="dsr.contact.changes_purged")
    assert (entry.subject_id, entry.data["count"]) == (subject.pk, 1)
    assert contact_changes_purge() == 0


def test_old_sent_emails_lose_their_address_and_body_and_keep_their_record(settings):
    settings.OUTBOX_CONTENT_KEPT_DAYS = 30
    now = timezone.now()

    def email(key, *, status, days_ago):
        message = outbox_enqueue_email(
            to="khach@example.vn", template="notifications/email/contact_changed", context={"x": 1},
            dedupe_key=key, topic="test.topic", dispatch=False,
        )
        created = now - timedelta(days=days_ago)
        OutboxMessage.objects.filter(pk=message.pk).update(status=status, created_at=created)
        return message.pk

    old_sent = email("a", status="sent", days_ago=31)
    old_cancelled = email("b", status="cancelled", days_ago=40)
    recent, waiting = email("c", status="sent", days_ago=2), email("d", status="pending", days_ago=31)
    assert outbox_purge_delivered(now=now) == 2
    emptied = OutboxMessage.objects.filter(pk__in=[old_sent, old_cancelled])
    assert {(m.destination, m.payload, m.topic, m.content_erased_at) for m in emptied} == {
        ("", "", "test.topic", now)
    }
    kept = OutboxMessage.objects.filter(pk__in=[recent, waiting])
    assert {m.destination for m in kept} == {"khach@example.vn"}
    assert AuditEntry.objects.get(action="core.outbox.purged").data["count"] == 2
    assert outbox_purge_delivered(now=now) == 0



# ------------------------------------------------------------------ the copies, erased once


def _platform_erased(subject):
    return list(AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=subject.pk))


def test_the_copies_are_erased_once_per_deletion_not_per_platform_category(subject, privacy_officer, dpo):
    """Identity and contact both erased now: one `dsr.platform.erased` entry (docs/requests.md), not one
    per category with everything run twice."""
    make_inventory()
    DataCategory.objects.filter(code="identity").update(retention=None)
    _complete_deletion(subject, privacy_officer, dpo)
    assert DataSubject.objects.get(pk=subject.pk).full_name == ""
    assert len(_platform_erased(subject)) == 1
    assert DeletionRecord.objects.filter(system__code="platform").count() == 2


def test_the_copies_are_erased_at_completion_even_when_every_platform_category_is_held(
    subject, privacy_officer, dpo, django_capture_on_commit_callbacks
):
    """An AML hold keeps the identity and contact fields, not outbox bodies, exports or replies."""
    make_inventory()
    aml = DataCategory.objects.get(code="identity").retention
    DataCategory.objects.filter(code="contact").update(retention=aml)
    with django_capture_on_commit_callbacks():  # delivery is not run: the message waits
        complaint = make_request(subject, type="complaint", details="Tôi ở 12 Lê Lợi")
        # Closed: the erasure reaches closed requests only (an open one stays answerable).
        services.request_cancel(actor=CUSTOMER, request_id=complaint.pk)
    waiting = OutboxMessage.objects.filter(subject_id=subject.pk, kind="email", status="pending").first()
    assert waiting is not None
    _complete_deletion(subject, privacy_officer, dpo)
    assert DataSubject.objects.get(pk=subject.pk).phone == subject.phone  # held
    assert DataSubjectRequest.objects.get(subject=subject, type="complaint").details == ""
    waiting.refresh_from_db()
    assert (waiting.status, waiting.payload) == ("cancelled", "")
    (entry,) = _platform_erased(subject)
    assert entry.data["details"] >= 1
    # The hold's release erases the held fields, and the copies again for what was made since (the
    # completion's own notice, to the held address), counting nothing twice.
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=timezone.localdate() - timedelta(days=6 * 366)
    )
    services.legal_holds_release_due(now=timezone.now())
    assert DataSubject.objects.get(pk=subject.pk).phone == ""
    first, again = sorted(_platform_erased(subject), key=lambda entry: entry.sequence)
    assert first.pk == entry.pk and again.data["holds"]
    assert (again.data["details"], again.data["outbox_cancelled"], again.data["outbox_emptied"]) == (0, 1, 1)


def test_the_task_results_of_an_erased_export_are_counted_once(subject, privacy_officer, dpo):
    """The export's purge and the copies' erasure used to empty the same task results twice."""
    request = answered_access(subject)
    _complete_deletion(subject, privacy_officer, dpo)
    tasks = FulfilmentTask.objects.filter(request=request).count()
    purged = AuditEntry.objects.filter(action="dsr.export.purged", subject_id=subject.pk)
    counted = sum(e.data.get("task_results", 0) for e in purged)
    counted += sum(e.data["task_results"] for e in _platform_erased(subject))
    assert counted == tasks
    assert set(FulfilmentTask.objects.filter(request=request).values_list("result", flat=True)) == {""}


def test_copies_made_after_the_deletion_are_erased_when_its_hold_ends(
    subject, privacy_officer, dpo, django_capture_on_commit_callbacks
):
    """The identity stays under an AML hold after completion, so the customer can still write: a new
    complaint and its acknowledgement (inbox: the contact details went at completion) outlived the
    hold's release, since the copies were erased once, at completion."""
    make_inventory()  # identity held under AML, contact erased now
    request = _complete_deletion(subject, privacy_officer, dpo)
    with django_capture_on_commit_callbacks():
        later = make_request(subject, type="complaint", details="Tôi vẫn ở 12 Lê Lợi", now=timezone.now())
    told = Notification.objects.get(subject=subject, dedupe_key__startswith=f"dsr.customer:{later.pk}:")
    assert json.loads(told.context) and DataSubjectRequest.objects.get(pk=later.pk).details
    # Closed before the release: the erasure reaches closed requests only (an open one stays answerable).
    services.request_cancel(actor=CUSTOMER, request_id=later.pk)
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=timezone.localdate() - timedelta(days=6 * 366)
    )
    (hold,) = request.legal_holds.filter(system__code="platform")

    held = request.legal_holds.count()
    assert services.legal_holds_release_due(now=timezone.now()) == held
    assert DataSubjectRequest.objects.get(pk=later.pk).details == ""
    told.refresh_from_db()
    assert json.loads(told.context) == {}
    at_completion, at_release = sorted(_platform_erased(subject), key=lambda entry: entry.sequence)
    assert at_release.data["request"] == str(request.pk) and hold.pk in at_release.data["holds"]
    assert (at_release.data["details"], at_release.data["notifications"]) == (1, 2)
    assert "holds" not in at_completion.data
    # Idempotent: nothing left to release, nothing erased or recorded again.
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    assert len(_platform_erased(subject)) == 2
