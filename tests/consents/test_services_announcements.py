"""Notice-change announcements: lead times (7 days, 30 when significant), the affected customers,
e-mails through the outbox, fresh consent from the effective date where the scope grew."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from consents import services
from consents.models import NoticeAnnouncement
from consents.selectors import announcements_upcoming_for_subject
from consents.services import announcements as announcement_services
from consents.services.announcement_runs import RETRY_FIRST_WAIT, announcements_run_due
from consents.services.announcements import (
    announcement_affected,
    announcement_ask_fresh_consent,
    announcement_schedule,
    announcement_send,
)
from core.errors import Conflict, InvalidInput
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def publish(purpose, version, *, days_ahead: int, material: bool):
    return publish_notice(
        purpose.code, version, effective_at=NOW + timedelta(days=days_ahead), material=material, now=NOW,
        actor=STAFF,
    )


@pytest.fixture
def purpose_with_customers():
    purpose = make_purpose("marketing-a", effective_at=NOW - timedelta(days=30))
    subjects = [make_subject() for _ in range(3)]
    for subject in subjects[:2]:
        grant(subject, purpose, now=NOW - timedelta(days=5))
    withdrawn = grant(subjects[2], purpose, now=NOW - timedelta(days=5))
    services.consent_withdraw(
        actor=STAFF, consent_id=withdrawn.pk, channel="branch", now=NOW - timedelta(days=1)
    )
    return purpose, subjects


def test_a_minor_change_is_announced_7_days_ahead_when_published(purpose_with_customers):
    purpose, _subjects = purpose_with_customers
    notice = publish(purpose, "v2", days_ahead=10, material=False)
    announcement = notice.announcement
    assert (announcement.lead_days, announcement.significant) == (7, False)
    assert announcement.send_at == notice.effective_at - timedelta(days=7)
    with pytest.raises(Conflict) as error:
        announcement_schedule(actor=STAFF, notice_id=notice.pk, now=NOW)
    assert error.value.code == "already_announced"


def test_a_material_change_cannot_take_effect_at_once_nor_be_called_not_significant(purpose_with_customers):
    purpose, _subjects = purpose_with_customers
    for days_ahead in (0, 20):
        with pytest.raises(InvalidInput) as error:
            publish(purpose, "v2", days_ahead=days_ahead, material=True)
        assert error.value.field == "effective_at" and "30 days" in error.value.text
        assert "08/04/2026" in error.value.text  # the earliest date allowed, in the bank's zone
    with pytest.raises(InvalidInput):
        publish(purpose, "v2", days_ahead=3, material=False)
    assert not NoticeAnnouncement.objects.exists()
    later = publish(purpose, "v3", days_ahead=45, material=True)
    announcement = later.announcement
    assert (announcement.lead_days, announcement.significant) == (30, True)
    assert announcement.send_at == later.effective_at - timedelta(days=30)


def test_the_affected_customers_are_the_live_consents_to_older_versions(purpose_with_customers):
    purpose, subjects = purpose_with_customers
    notice = publish(purpose, "v2", days_ahead=40, material=True)
    affected = {c.subject_id for c in announcement_affected(notice)}
    assert affected == {subjects[0].pk, subjects[1].pk}  # the withdrawn consent is not live


def test_the_job_sends_on_the_day_then_asks_for_fresh_consent_once_in_effect(
    purpose_with_customers, django_capture_on_commit_callbacks
):
    purpose, subjects = purpose_with_customers
    announcement = publish(purpose, "v2", days_ahead=40, material=True).announcement
    with django_capture_on_commit_callbacks():
        assert announcements_run_due(now=NOW + timedelta(days=9)) == {"sent": 0, "asked": 0, "failed": 0}
        assert announcements_run_due(now=NOW + timedelta(days=10)) == {"sent": 1, "asked": 0, "failed": 0}
    announcement.refresh_from_db()
    assert (announcement.status, announcement.customers_told) == ("sent", 2)
    mails = OutboxMessage.objects.filter(topic="consents.notice.announced")
    assert mails.count() == 2 and {m.kind for m in mails} == {"email"}
    # The customers see the upcoming change on their self-service pages.
    assert [a.pk for a in announcements_upcoming_for_subject(subjects[0], now=NOW + timedelta(days=11))] == [
        announcement.pk
    ]
    assert announcements_upcoming_for_subject(subjects[2], now=NOW + timedelta(days=11)) == []
    with django_capture_on_commit_callbacks():
        assert announcements_run_due(now=NOW + timedelta(days=41)) == {"sent": 0, "asked": 1, "failed": 0}
    announcement.refresh_from_db()
    assert (announcement.status, announcement.customers_asked) == ("asked", 2)
    assert OutboxMessage.objects.filter(topic="consents.notice.fresh_consent_requested").count() == 2
    assert AuditEntry.objects.filter(action__startswith="consents.announcement.").count() == 3


def test_a_minor_change_completes_without_asking(purpose_with_customers, django_capture_on_commit_callbacks):
    purpose, _subjects = purpose_with_customers
    announcement = publish(purpose, "v2", days_ahead=10, material=False).announcement
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW)
    done = announcement_ask_fresh_consent(
        actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=11)
    )
    assert done.status == NoticeAnnouncement.Status.DONE
    assert not OutboxMessage.objects.filter(topic="consents.notice.fresh_consent_requested").exists()
    with pytest.raises(Conflict):
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW)


def test_completing_a_minor_change_is_audited_with_whoever_completed_it(
    purpose_with_customers, django_capture_on_commit_callbacks
):
    # The step that puts the new version in force for the customers already told: the trail must show
    # who took it and when, as it shows the sending and a material change's fresh-consent ask.
    purpose, _subjects = purpose_with_customers
    announcement = publish(purpose, "v2", days_ahead=10, material=False).announcement
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW)
    announcement_ask_fresh_consent(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=11))
    entry = AuditEntry.objects.get(action="consents.announcement.completed")
    assert (entry.actor_label, entry.target_id) == (STAFF.label, str(announcement.pk))
    assert entry.data == {"purpose": purpose.code, "version": "v2"}


def test_the_celery_task_runs_the_due_announcements(
    purpose_with_customers, django_capture_on_commit_callbacks
):
    from regulator.tasks import run_announcements

    purpose, _subjects = purpose_with_customers
    publish(purpose, "v2", days_ahead=10, material=False)
    with django_capture_on_commit_callbacks():
        # Real time is past both dates: the job sends, then completes the (minor) change.
        assert run_announcements.run() == {"sent": 1, "asked": 1, "failed": 0}


def test_one_announcement_failing_does_not_hold_back_the_others(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    announcements = []
    for code, days_ahead in (("marketing-a", 40), ("marketing-b", 41)):
        purpose = make_purpose(code, effective_at=NOW - timedelta(days=30))
        grant(make_subject(), purpose, now=NOW - timedelta(days=5))
        announcements.append(publish(purpose, "v2", days_ahead=days_ahead, material=True).announcement)
    failing, other = announcements  # the failing one is due first
    notify_many = announcement_services.notify_many

    def notifier_broken_for_the_first(chunk, **kwargs):
        if kwargs["dedupe_prefix"] == f"announce:{failing.pk}":
            raise RuntimeError("notifier down")
        return notify_many(chunk, **kwargs)

    monkeypatch.setattr(announcement_services, "notify_many", notifier_broken_for_the_first)
    caplog.set_level(logging.ERROR, logger="consents.services.announcement_runs")
    with django_capture_on_commit_callbacks():
        done = announcements_run_due(now=NOW + timedelta(days=11))

    assert done == {"sent": 1, "asked": 0, "failed": 1}
    failing.refresh_from_db()
    other.refresh_from_db()
    # The failed one rolled back whole (no half-sent mailing), the other went out.
    assert (failing.status, failing.customers_told, other.status, other.customers_told) == (
        "scheduled", 0, "sent", 1
    )
    assert OutboxMessage.objects.filter(topic="consents.notice.announced").count() == 1
    # Not swallowed: logged with the announcement's id and the traceback.
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert str(failing.pk) in record.getMessage() and record.exc_info[0] is RuntimeError

    monkeypatch.setattr(announcement_services, "notify_many", notify_many)
    with django_capture_on_commit_callbacks():
        # The next run after its wait (`RETRY_FIRST_WAIT`) sends the one that failed, and only that one.
        later = NOW + timedelta(days=11) + RETRY_FIRST_WAIT
        assert announcements_run_due(now=later) == {"sent": 1, "asked": 0, "failed": 0}
    failing.refresh_from_db()
    assert failing.status == "sent"
    assert OutboxMessage.objects.filter(topic="consents.notice.announced").count() == 2


def test_the_task_does_not_run_again_at_once_for_a_batch_of_failures(monkeypatch):
    from regulator import tasks

    purpose = make_purpose("marketing-a", effective_at=NOW - timedelta(days=30))
    grant(make_subject(), purpose, now=NOW - timedelta(days=5))
    publish(purpose, "v2", days_ahead=10, material=False)
    monkeypatch.setattr(tasks, "BATCH", 1)

    def notifier_down(chunk, **kwargs):
        raise RuntimeError("notifier down")

    monkeypatch.setattr(announcement_services, "notify_many", notifier_down)
    again = []
    monkeypatch.setattr(tasks.run_announcements, "delay", lambda: again.append(True))
    # Real time is past the dates: the one announcement due fails, which fills the batch of one.
    assert tasks.run_announcements.run() == {"sent": 0, "asked": 0, "failed": 1}
    assert again == []


def _purpose_with(count: int, code: str):
    purpose = make_purpose(code, effective_at=NOW - timedelta(days=30))
    for _ in range(count):
        grant(make_subject(), purpose, now=NOW - timedelta(days=5))
    return publish(purpose, "v2", days_ahead=40, material=True).announcement


def _counting_queries(service, announcement, *, now) -> int:
    with CaptureQueriesContext(connection) as captured:
        service(actor=STAFF, announcement_id=announcement.pk, now=now)
    return len(captured)


def test_telling_costs_the_same_queries_for_3_or_30_customers(django_capture_on_commit_callbacks):
    few = _purpose_with(3, "marketing-few")
    many = _purpose_with(30, "marketing-many")
    sent_at, in_effect = NOW + timedelta(days=10), NOW + timedelta(days=41)
    with django_capture_on_commit_callbacks() as few_callbacks:
        small = _counting_queries(announcement_send, few, now=sent_at)
    with django_capture_on_commit_callbacks() as callbacks:
        large = _counting_queries(announcement_send, many, now=sent_at)
    assert large == small
    # One outbox sweep on commit, not one delivery task per customer (the other callback drops the
    # cached catalogue: the widening the send releases is in force from its date).
    assert [c.__name__ for c in callbacks] == [c.__name__ for c in few_callbacks]
    assert [c.__name__ for c in callbacks].count("_dispatch_sweep") == 1
    with django_capture_on_commit_callbacks():
        small = _counting_queries(announcement_ask_fresh_consent, few, now=in_effect)
    with django_capture_on_commit_callbacks():
        large = _counting_queries(announcement_ask_fresh_consent, many, now=in_effect)
    assert large == small
    many.refresh_from_db()
    assert (many.customers_told, many.customers_asked) == (30, 30)
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"announce:{many.pk}:").count() == 30
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"fresh:{many.pk}:").count() == 30


def test_customers_are_told_in_chunks_once_each_by_email_or_their_next_channel(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(announcement_services, "CUSTOMER_CHUNK", 4)
    purpose = make_purpose("marketing-chunks", effective_at=NOW - timedelta(days=30))
    with_address = [make_subject() for _ in range(10)]
    # No e-mail address: the notifier reaches them by SMS, their next channel (#17).
    by_sms = make_subject(email="")
    for subject in [*with_address, by_sms]:
        grant(subject, purpose, now=NOW - timedelta(days=5))
    announcement = publish(purpose, "v2", days_ahead=40, material=False).announcement
    with django_capture_on_commit_callbacks():
        sent = announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=10))
    assert sent.customers_told == 11
    messages = OutboxMessage.objects.filter(topic="consents.notice.announced")
    assert sorted(m.dedupe_key for m in messages) == sorted(
        f"announce:{announcement.pk}:{s.pk}" for s in [*with_address, by_sms]
    )
    emails = messages.filter(kind=OutboxMessage.Kind.EMAIL)
    assert {m.destination for m in emails} == {s.email for s in with_address}
    assert [m.destination for m in messages.filter(kind=OutboxMessage.Kind.SMS)] == [by_sms.phone]
