"""The consents app's machines: tables in consents/states.py; the announcement mover writes a
history row for every move (it wrote none before)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents.models import AnnouncementStatusChange, ConsentStatus, NoticeAnnouncement, WithdrawalDuty
from consents.selectors import announcement_allowed_actions
from consents.services.announcements import (
    announcement_ask_fresh_consent,
    announcement_send,
    announcement_transition,
)
from consents.states import ANNOUNCEMENT_MACHINE, CONSENT_MACHINE, DUTY_MACHINE
from core.actors import Actor
from core.errors import InvalidTransition
from tests.consents.factories import STAFF, make_purpose
from tests.consents.test_services_announcements import publish

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_every_table_covers_every_status():
    assert CONSENT_MACHINE.statuses == set(ConsentStatus.values)
    assert CONSENT_MACHINE.terminal == {"withdrawn", "expired", "superseded", "voided"}
    # A record made in error is corrected by voiding it: a consent in force or a refusal, nothing after.
    voidable = {status for status in ConsentStatus.values if CONSENT_MACHINE.is_allowed(status, "voided")}
    assert voidable == {"granted", "refused"}
    assert ANNOUNCEMENT_MACHINE.statuses == set(NoticeAnnouncement.Status.values)
    assert ANNOUNCEMENT_MACHINE.terminal == {"asked", "done"}
    assert DUTY_MACHINE.statuses == set(WithdrawalDuty.Status.values)


def test_every_announcement_move_writes_a_history_row(django_capture_on_commit_callbacks):
    purpose = make_purpose("marketing-h", effective_at=NOW - timedelta(days=30))
    announcement = publish(purpose, "v2", days_ahead=10, material=False).announcement
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW)
    announcement_ask_fresh_consent(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=11))
    rows = list(
        AnnouncementStatusChange.objects.filter(announcement=announcement).values_list(
            "from_status", "to_status", "at", "actor_label"
        )
    )
    assert rows == [
        ("scheduled", "sent", NOW, STAFF.label),
        ("sent", "done", NOW + timedelta(days=11), STAFF.label),
    ]


def test_an_illegal_announcement_move_is_refused_and_writes_nothing():
    purpose = make_purpose("marketing-i", effective_at=NOW - timedelta(days=30))
    announcement = publish(purpose, "v2", days_ahead=10, material=False).announcement
    with pytest.raises(InvalidTransition) as error:
        announcement_transition(announcement, actor=STAFF, to="done", now=NOW)
    assert error.value.status == 409
    announcement.refresh_from_db()
    assert announcement.status == "scheduled"
    assert not AnnouncementStatusChange.objects.exists()


def test_the_announcement_page_offers_sending_only_while_the_table_allows_it():
    purpose = make_purpose("marketing-a", effective_at=NOW - timedelta(days=30))
    announcement = publish(purpose, "v2", days_ahead=10, material=False).announcement
    assert announcement_allowed_actions(announcement, STAFF) == {"send"}
    assert announcement_allowed_actions(announcement, Actor.system("tests")) == frozenset()
    announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW)
    announcement.refresh_from_db()
    assert announcement_allowed_actions(announcement, STAFF) == frozenset()
