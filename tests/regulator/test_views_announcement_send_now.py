""""Send now" on an announcement whose sending fails (the mail server down, an SMTP error, anything the
notifier raises): no error page, a message saying it was not sent and when the job tries again, and the
failure recorded on the announcement exactly as the hourly job records its own (the same wait, the same
parking after five in a row); the API answers 503 with `Retry-After`."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.services import announcements as announcement_services
from consents.services.announcement_runs import (
    ATTEMPTS_BEFORE_PARKING,
    RETRY_FIRST_WAIT,
    announcements_run_due,
)
from notifications.models import Notification
from tests.regulator.factories import marketing_change_announced

pytestmark = pytest.mark.django_db
_working_notify_many = announcement_services.notify_many
NOT_SENT = (
    "The announcement was not sent: sending it failed, and no customer was told. The announcements job "
    "tries again from {when}."
)
NOT_SENT_VI = (
    "Thông báo thay đổi chưa được gửi: việc gửi bị lỗi và chưa khách hàng nào được báo. Tác vụ gửi thông "
    "báo sẽ thử lại từ {when}."
)


def _mail_server_down(chunk, **kwargs):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: le.van.c@example.vn")


@pytest.fixture
def announcement(monkeypatch):
    """A scheduled announcement of a new notice to two customers, whose sending fails."""
    scheduled = marketing_change_announced(customers=2)
    monkeypatch.setattr(announcement_services, "notify_many", _mail_server_down)
    return scheduled


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_a_send_now_that_fails_is_a_message_and_the_job_tries_it_again(
    client, dpo, announcement, monkeypatch
):
    client.force_login(dpo)
    before = timezone.now()
    page = client.post(reverse("regulator:announcement_send", args=[announcement.pk]), follow=True)

    assert page.status_code == 200
    announcement.refresh_from_db()
    assert (announcement.status, announcement.attempts, announcement.sent_at) == ("scheduled", 1, None)
    assert before + RETRY_FIRST_WAIT <= announcement.next_attempt_at <= timezone.now() + RETRY_FIRST_WAIT
    assert announcement.last_error.startswith("SMTPServerDisconnected at ")
    assert "example.vn" not in announcement.last_error
    assert [(m.level_tag, str(m)) for m in page.context["messages"]] == [
        ("error", NOT_SENT.format(when=_local(announcement.next_attempt_at)))
    ]
    (entry,) = AuditEntry.objects.filter(action="consents.announcement.attempt_failed")
    assert entry.actor_label == dpo.username and entry.data["attempts"] == 1
    assert not Notification.objects.exists()

    # The job leaves it alone until then, and sends it once the mail server is back.
    monkeypatch.setattr(announcement_services, "notify_many", _working_notify_many)
    assert announcements_run_due(now=announcement.next_attempt_at - timedelta(seconds=1))["sent"] == 0
    assert announcements_run_due(now=announcement.next_attempt_at)["sent"] == 1


def test_the_message_is_in_vietnamese_on_the_vietnamese_page(client, dpo, announcement):
    client.force_login(dpo)
    path = reverse("regulator:announcement_send", args=[announcement.pk]).removeprefix("/en")
    page = client.post(path, follow=True)

    announcement.refresh_from_db()
    assert [str(m) for m in page.context["messages"]] == [
        NOT_SENT_VI.format(when=_local(announcement.next_attempt_at))
    ]


def test_a_send_now_failing_for_the_fifth_time_in_a_row_parks_it_as_the_job_would(
    client, dpo, announcement
):
    for hour in range(ATTEMPTS_BEFORE_PARKING - 1):
        announcements_run_due(now=announcement.send_at + timedelta(hours=hour))
    client.force_login(dpo)
    page = client.post(reverse("regulator:announcement_send", args=[announcement.pk]), follow=True)

    announcement.refresh_from_db()
    assert (announcement.status, announcement.attempts, announcement.next_attempt_at) == (
        "send_failed", ATTEMPTS_BEFORE_PARKING, None
    )
    assert [str(m) for m in page.context["messages"]] == [
        "The announcement was not sent: sending it failed 5 times in a row, and no customer was told. "
        "It now needs attention: find the cause, then press Retry."
    ]
    assert AuditEntry.objects.filter(action="consents.announcement.parked").count() == 1


def test_the_api_answers_503_with_retry_after_and_records_the_failure(dpo, as_user, announcement):
    answer = as_user(dpo).post(f"/api/v1/notice-announcements/{announcement.pk}/send/")

    assert answer.status_code == 503
    announcement.refresh_from_db()
    assert answer.json() == {
        "detail": NOT_SENT_VI.format(when=_local(announcement.next_attempt_at)),  # the API's default
        "code": "announcement_not_sent",
    }
    assert 0 < int(answer["Retry-After"]) <= RETRY_FIRST_WAIT.total_seconds()
    assert (announcement.status, announcement.attempts) == ("scheduled", 1)


def test_a_refusal_is_not_a_failure(client, dpo, announcement, monkeypatch):
    """Sending one already sent is refused as before (a message, 409), and counts as no failure."""
    monkeypatch.setattr(announcement_services, "notify_many", _working_notify_many)
    client.force_login(dpo)
    send = reverse("regulator:announcement_send", args=[announcement.pk])
    client.post(send)
    again = client.post(send, follow=True)

    (refused,) = [m for m in again.context["messages"] if m.level_tag == "error"]
    assert "not sent" not in str(refused)
    announcement.refresh_from_db()
    assert (announcement.status, announcement.attempts) == ("sent", 0)
