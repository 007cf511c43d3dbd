"""A material change never takes effect before the customers had their notice period: until its
announcement goes out it is not in force whatever its date, and an announcement that goes out late moves
the version's date to `lead_days` after it went out (bank policy: 30 days' notice of a widening)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from consents.models import NoticeAnnouncement, NoticeVersion
from consents.selectors import consent_check, consent_check_as_of, notice_current, subjects_to_ask_again
from consents.services import purpose_versions_apply_due
from consents.services.announcement_runs import announcements_run_due
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
EFFECTIVE = NOW + timedelta(days=40)
LATE = EFFECTIVE + timedelta(hours=1)  # the job did not run from the announcement date until now


@pytest.fixture
def customer_and_v2(django_capture_on_commit_callbacks):
    purpose = make_purpose("marketing-l", effective_at=NOW - timedelta(days=30))
    customer = make_subject()
    grant(customer, purpose, now=NOW - timedelta(days=5))
    notice = publish_notice(
        purpose.code, "v2", effective_at=EFFECTIVE, material=True, now=NOW, actor=STAFF
    )
    return customer, purpose, notice


def _answers(customer, code: str, at: datetime) -> set:
    live = consent_check(subject_ref=customer.external_ref, purpose_code=code, now=at)
    past = consent_check_as_of(subject_ref=customer.external_ref, purpose_code=code, at=at)
    return {(a.allowed, a.reason) for a in (live, past)}


def test_a_material_change_not_yet_announced_is_not_in_force_on_its_date(customer_and_v2):
    customer, purpose, notice = customer_and_v2
    after = EFFECTIVE + timedelta(minutes=5)
    assert _answers(customer, purpose.code, after) == {(True, "granted")}
    assert notice_current(purpose, now=after).version != "v2"
    assert not subjects_to_ask_again(purpose, now=after).exists()
    assert purpose_versions_apply_due(now=after) == 0
    notice.refresh_from_db()
    assert notice.applied_at is None


def test_an_announcement_sent_late_moves_the_date_to_the_end_of_the_notice_period(
    customer_and_v2, django_capture_on_commit_callbacks
):
    customer, purpose, notice = customer_and_v2
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_run_due(now=LATE) == {"sent": 1, "asked": 0, "failed": 0}
    announcement = NoticeAnnouncement.objects.get(notice=notice)
    notice.refresh_from_db()
    assert announcement.sent_at == LATE
    assert notice.effective_at == LATE + timedelta(days=30)
    assert announcement.planned_effective_at == EFFECTIVE  # shown to the DPO as announced late
    entry = AuditEntry.objects.get(action="consents.announcement.sent_late")
    assert datetime.fromisoformat(entry.data["planned_effective_at"]) == EFFECTIVE
    assert datetime.fromisoformat(entry.data["effective_at"]) == notice.effective_at

    during = LATE + timedelta(days=29)
    assert _answers(customer, purpose.code, during) == {(True, "granted")}
    assert purpose_versions_apply_due(now=during) == 0
    assert announcements_run_due(now=during) == {"sent": 0, "asked": 0, "failed": 0}

    after = notice.effective_at + timedelta(minutes=1)
    assert _answers(customer, purpose.code, after) == {(False, "reconsent_required")}
    assert notice_current(purpose, now=after).version == "v2"
    assert purpose_versions_apply_due(now=after) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_run_due(now=after) == {"sent": 0, "asked": 1, "failed": 0}


def test_an_announcement_sent_on_its_day_keeps_the_date(customer_and_v2, django_capture_on_commit_callbacks):
    customer, purpose, notice = customer_and_v2
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_run_due(now=EFFECTIVE - timedelta(days=30))["sent"] == 1
    notice.refresh_from_db()
    assert notice.effective_at == EFFECTIVE
    assert NoticeAnnouncement.objects.get(notice=notice).planned_effective_at is None
    assert not AuditEntry.objects.filter(action="consents.announcement.sent_late").exists()
    after = EFFECTIVE + timedelta(minutes=1)
    assert _answers(customer, purpose.code, after) == {(False, "reconsent_required")}


def test_a_later_version_is_never_in_force_before_the_late_one_it_follows(
    customer_and_v2, django_capture_on_commit_callbacks
):
    _customer, purpose, _notice = customer_and_v2
    v3 = publish_notice(
        purpose.code, "v3", effective_at=EFFECTIVE + timedelta(days=5), now=NOW, actor=STAFF
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcements_run_due(now=LATE)
    v2 = NoticeVersion.objects.get(purpose=purpose, version="v2")
    v3.refresh_from_db()
    assert v3.effective_at >= v2.effective_at == LATE + timedelta(days=30)
    assert notice_current(purpose, now=v2.effective_at).version == "v3"


@pytest.mark.parametrize(
    ("after_send_at", "moved"), [(timedelta(minutes=59), False), (timedelta(minutes=61), True)]
)
def test_the_hourly_job_sending_within_its_hour_is_on_time(
    django_capture_on_commit_callbacks, after_send_at, moved
):
    purpose = make_purpose("marketing-g", effective_at=NOW - timedelta(days=30))
    grant(make_subject(), purpose, now=NOW - timedelta(days=5))
    planned = NOW + timedelta(days=30)  # published exactly its notice period ahead: send_at is now
    notice = publish_notice(purpose.code, "v2", effective_at=planned, material=True, now=NOW, actor=STAFF)
    sent = NOW + after_send_at
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_run_due(now=sent)["sent"] == 1
    notice.refresh_from_db()
    assert notice.effective_at == (sent + timedelta(days=30) if moved else planned)
    assert AuditEntry.objects.filter(action="consents.announcement.sent_late").exists() == moved
