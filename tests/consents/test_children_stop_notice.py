"""When the platform itself stops a child's consents (the nightly job on the 7th birthday, a corrected
date of birth), the family is told once: the guardian acting for the child and, from 7, the child on
their own e-mail or phone when the bank holds one; which purposes stopped, why, and where to consent
again, in each reader's language, audited in the transaction of the stops (docs/consents.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.services.stop_notices import AUDIT_ACTION, TOPIC
from deadlines.policy import LOCAL_TZ
from notifications.models import Notification
from notifications.selectors import notification_text
from subjects import services as subject_services
from tests.consents.factories import STAFF, SYSTEM, child_of, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _family_turning_seven(*, in_days: int, child_contact: bool, guardian_language: str = "vi",
                          child_language: str = "vi"):
    """A guardian, their verified ward turning 7 in `in_days` days (with or without an e-mail of their
    own), two consents the guardian gave alone (marketing, sharing) and the 7th birthday."""
    birthday = timezone.localdate() + timedelta(days=in_days)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    guardian = make_subject(preferred_language=guardian_language)
    child = make_subject(date_of_birth=birthday.replace(year=birthday.year - 7), guardian=guardian,
                         national_id="", phone="", email="con@example.vn" if child_contact else "",
                         preferred_language=child_language)
    child = subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="bc-7")
    since = timezone.now() - timedelta(days=30)
    for code in ("kid-marketing", "kid-sharing"):
        grant(child, make_purpose(code, category="service", effective_at=since), guardian=guardian)
    return guardian, child, birthday


def _messages(person):
    return list(Notification.objects.filter(subject_id=person.pk, topic=TOPIC))


def test_the_guardian_is_told_once_of_every_purpose_the_birthday_stopped():
    guardian, child, seventh = _family_turning_seven(in_days=30, child_contact=False)

    assert services.consents_stop_outgrown(now=_at(seventh, 0, 30)) == 2

    (message,) = _messages(guardian)
    text = notification_text(message)
    assert "Mục đích kid-marketing" in text.body and "Mục đích kid-sharing" in text.body
    assert "7" in text.body and "/me/consents/" in text.body
    # No e-mail or phone of the child's own: the guardian's message is the family's one.
    assert _messages(child) == []
    entry = AuditEntry.objects.get(action=AUDIT_ACTION, subject_id=child.pk)
    assert entry.data["purposes"] == ["kid-marketing", "kid-sharing"]
    assert entry.data["notification"] == str(message.pk)


def test_a_second_run_tells_no_one_again():
    guardian, child, seventh = _family_turning_seven(in_days=25, child_contact=True)

    ran = [services.consents_stop_outgrown(now=_at(seventh + timedelta(days=n), 0, 30)) for n in (0, 0, 1)]

    assert ran == [2, 0, 0]
    assert len(_messages(guardian)) == 1
    assert len(_messages(child)) == 1
    assert AuditEntry.objects.filter(action=AUDIT_ACTION).count() == 2


def test_each_reader_reads_it_in_their_own_language_and_the_child_is_told_of_their_own_agreement():
    guardian, child, seventh = _family_turning_seven(in_days=15, child_contact=True, guardian_language="en",
                                                     child_language="vi")

    services.consents_stop_outgrown(now=_at(seventh, 0, 30))

    (to_guardian,) = _messages(guardian)
    (to_child,) = _messages(child)
    english, vietnamese = notification_text(to_guardian), notification_text(to_child)
    assert english.language == "en" and "Purpose kid-sharing" in english.body
    assert "guardian" in english.body and child.full_name in english.body
    assert vietnamese.language == "vi" and "Mục đích kid-sharing" in vietnamese.body
    assert "Your guardian gave them alone" not in vietnamese.body  # translated, not the English source


def test_a_corrected_date_of_birth_tells_the_guardian_too():
    parent = make_subject()
    child = child_of(parent, age=5)
    grant(child, make_purpose("savings-support", category="support"), guardian=parent)

    born = timezone.localdate().replace(year=timezone.localdate().year - 10, day=1)
    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"date_of_birth": born},
                                     reason="birth certificate")

    (message,) = _messages(parent)
    assert "Mục đích savings-support" in notification_text(message).body
    assert AuditEntry.objects.filter(action=AUDIT_ACTION, subject_id=child.pk).count() == 1


def test_a_correction_that_stops_nothing_tells_no_one():
    parent = make_subject()
    child = child_of(parent, age=5)
    grant(child, make_purpose("savings-support", category="support"), guardian=parent)

    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk,
                                     changes={"date_of_birth": child.date_of_birth - timedelta(days=3)},
                                     reason="birth certificate")

    assert _messages(parent) == [] and _messages(child) == []
