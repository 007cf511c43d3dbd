"""What a completed deletion reaches beyond the customer's own requests and record: the words a
guardian typed on the requests they filed for a child, the staff's notes on how each recipient
confirmed it stopped, the customer's sign-in log and browser sessions (docs/requests.md, "What the
platform erases")."""

from __future__ import annotations

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from consents.services import consent_withdraw, duty_acknowledge
from core.actors import Actor, actor_for_user
from core.erased import REASON_ERASED
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask, RequestStatusChange
from subjects.models import DataSubject
from tests.consents.factories import child_of, grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, awaiting_customer, make_platform, make_request, verified_request
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db
GUARDIANS_WORDS = "Con tôi học lớp 5, gọi tôi 0913000777"


def _complete_deletion(subject, privacy_officer, dpo):
    worker = actor_for_user(privacy_officer)
    deletion = verified_request(subject, type="delete", actor=worker, now=timezone.now())
    for task in FulfilmentTask.objects.filter(request=deletion, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=actor_for_user(dpo), request_id=deletion.pk)
    return services.request_complete(actor=worker, request_id=deletion.pk)


def _erased_entries(subject):
    return list(
        AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=subject.pk).order_by("sequence")
    )


def _guardian_and_child():
    guardian = make_subject(full_name="Trần Văn Giám Hộ", phone="0913000777")
    return guardian, child_of(guardian, age=10)


def test_guardians_deletion_marks_their_words_on_the_closed_requests_they_filed_for_a_child(
    privacy_officer, dpo
):
    """A guardian's deletion left the details they typed (their phone number) on the request they had
    filed for their child: erasure chose only the requests whose subject was the guardian."""
    make_platform()
    guardian, child = _guardian_and_child()
    filed = make_request(child, guardian=guardian, details=GUARDIANS_WORDS, now=timezone.now())
    services.request_cancel(actor=STAFF, request_id=filed.pk)

    _complete_deletion(guardian, privacy_officer, dpo)

    filed = DataSubjectRequest.objects.get(pk=filed.pk)
    assert filed.details == REASON_ERASED
    # The child's request stays the child's, with the guardian who filed it and its history.
    assert (filed.subject_id, filed.guardian_id, filed.status) == (child.pk, guardian.pk, "cancelled")
    assert DataSubject.objects.get(pk=child.pk).date_of_birth == child.date_of_birth
    (entry,) = _erased_entries(guardian)
    assert entry.data["guardian_details"] == 1


def test_an_open_request_filed_for_a_child_keeps_the_guardians_words_until_it_closes(privacy_officer, dpo):
    """Still open, the child's request stays answerable; its closing takes the guardian's details and
    replies, and only those: the bank's question about the child stays."""
    make_platform()
    guardian, child = _guardian_and_child()
    waiting = awaiting_customer(child, guardian=guardian, details=GUARDIANS_WORDS)
    services.request_customer_reply(
        actor=Actor(kind="customer", user_id=None, label="guardian"),
        request_id=waiting.pk,
        subject=guardian,
        text="Gửi về 0913000777",
    )

    _complete_deletion(guardian, privacy_officer, dpo)
    assert DataSubjectRequest.objects.get(pk=waiting.pk).details == GUARDIANS_WORDS

    services.request_cancel(actor=STAFF, request_id=waiting.pk)
    closed = DataSubjectRequest.objects.get(pk=waiting.pk)
    assert closed.details == REASON_ERASED and closed.copies_spared_by_id is None
    replies = RequestStatusChange.objects.filter(request=closed, actor_kind="customer")
    assert [reply.note for reply in replies] == [REASON_ERASED]
    staff_notes = RequestStatusChange.objects.filter(request=closed).exclude(actor_kind="customer")
    assert REASON_ERASED not in {change.note for change in staff_notes}
    first, closing = _erased_entries(guardian)
    assert first.data["spared"] == 1
    assert (closing.data["closed"], closing.data["guardian_details"], closing.data["guardian_replies"]) == (
        str(closed.pk),
        1,
        1,
    )


def test_deletion_erases_how_the_recipients_confirmed_they_stopped(subject, privacy_officer, dpo):
    """Staff's note on a recipient's confirmation ("the partner's e-mail: deleted Ms Liên's file")
    outlived the deletion; when, by whom and whether late stay."""
    make_platform()
    partner = make_recipient("Bảo hiểm Đối tác")
    consent = grant(subject, make_purpose("bancassurance", category="sharing", recipients=[partner]))
    consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    (duty,) = WithdrawalDuty.objects.filter(subject=subject)
    duty_acknowledge(
        actor=STAFF, duty_id=duty.pk, note=f"E-mail của đối tác: đã xoá hồ sơ {subject.full_name}"
    )

    _complete_deletion(subject, privacy_officer, dpo)

    duty = WithdrawalDuty.objects.get(pk=duty.pk)
    assert duty.acknowledgement_note == REASON_ERASED
    assert duty.status == "acknowledged" and duty.acknowledged_at and duty.acknowledged_by_label
    (entry,) = _erased_entries(subject)
    assert entry.data["duty_notes"] == 1


def test_deletion_erases_the_customers_sign_in_log(privacy_officer, dpo):
    """The customer's sign-ins (username, address, browser) stayed in django-axes' log after their
    deletion; another customer's stay."""
    make_platform()
    customer, other = make_customer(), make_customer()
    for user in (customer, other):
        browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", REMOTE_ADDR="203.0.113.77")
        assert (
            browser.post(
                "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
            ).status_code
            == 302
        )
    assert AccessLog.objects.filter(username=customer.username).exists()

    _complete_deletion(customer.customer_account.subject, privacy_officer, dpo)

    assert not AccessLog.objects.filter(username=customer.username).exists()
    assert AccessLog.objects.filter(username=other.username).exists()
    (entry,) = _erased_entries(customer.customer_account.subject)
    assert entry.data["sign_in_logs"] == 1


def test_a_completed_deletion_ends_the_customers_sessions(privacy_officer, dpo):
    """The erased customer's browser stayed signed in (up to SESSION_COOKIE_AGE); another's stays."""
    make_platform()
    customer, other = make_customer(), make_customer()
    browsers = {user.pk: Client() for user in (customer, other)}
    for user in (customer, other):
        browsers[user.pk].force_login(user)

    _complete_deletion(customer.customer_account.subject, privacy_officer, dpo)

    owners = {str(session.get_decoded().get("_auth_user_id")) for session in Session.objects.all()}
    assert owners == {str(other.pk)}
    (entry,) = _erased_entries(customer.customer_account.subject)
    assert entry.data["sessions"] == 1
