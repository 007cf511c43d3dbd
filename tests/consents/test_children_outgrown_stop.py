"""A consent a guardian gave alone for a child under 7 stops standing on the child's 7th birthday: the
check answers `reconsent_required` from that day (`rule.own_agreement_due`). The daily job
`consents.stop_outgrown` records it: the consent is withdrawn by the platform as of the birthday's start
(Vietnam time), with its event, audit entry and the recipients' duties to stop, as a corrected date of
birth stops a consent a child could not give (`consents_stop_for_child`). Only outgrown agreements stop:
a consent the child gave with the guardian stands, at 7 and at 16."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from config.celery import app
from consents import services, tasks
from consents.models import ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.selectors import consent_check
from consents.selectors.report import consent_report_month
from consents.services.child_stops import OUTGROWN_STOP_SOURCE
from consents.services.withdrawals import OUTGROWN_STOP_REASON
from deadlines.policy import LOCAL_TZ, local_midnight
from subjects import services as subject_services
from tests.consents.factories import SYSTEM, child_of, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _ward_turning(age: int, *, in_days: int, guardian):
    """A verified ward of `guardian` whose `age`th birthday is `in_days` days from today (never 29
    February), and that birthday."""
    birthday = timezone.localdate() + timedelta(days=in_days)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    ward = make_subject(date_of_birth=birthday.replace(year=birthday.year - age), guardian=guardian,
                        national_id="", phone="", email="")
    ward = subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="birth-cert-7")
    return ward, birthday


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _lone_consent_turning_seven(*, in_days: int, recipients=None):
    """A ward turning 7 in `in_days` days, the consent to "svc-kid" their guardian gave alone, and the
    7th birthday."""
    purpose = make_purpose("svc-kid", category="service", recipients=recipients,
                           effective_at=timezone.now() - timedelta(days=30))
    guardian = make_subject()
    child, seventh = _ward_turning(7, in_days=in_days, guardian=guardian)
    return child, grant(child, purpose, guardian=guardian), seventh


def _stop_events(consent):
    return ConsentEvent.objects.filter(consent=consent, kind=ConsentStatus.WITHDRAWN)


def _withdrawal_entries(consent):
    return AuditEntry.objects.filter(target_id=str(consent.pk), action="consents.consent.withdrawn")


def test_the_recipient_is_told_when_the_guardians_lone_consent_stops_standing():
    """The review's scenario: the jobs run through the 7th birthday and a week after."""
    partner = make_recipient("Công ty Giáo dục Đối tác")
    purpose = make_purpose("svc-kid", category="service", recipients=[partner],
                           effective_at=timezone.now() - timedelta(days=400))
    guardian = make_subject()
    child = child_of(guardian, age=6)
    consent = grant(child, purpose, guardian=guardian)
    born = child.date_of_birth
    seventh = timezone.make_aware(timezone.datetime(born.year + 7, born.month, born.day, 12))
    day = seventh - timedelta(days=2)
    while day < seventh + timedelta(days=7):
        services.consents_stop_outgrown(now=day)
        day += timedelta(hours=6)
    later = seventh + timedelta(days=7)
    assert consent_check(subject_ref=child.external_ref, purpose_code="svc-kid", now=later).allowed is False
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert WithdrawalDuty.objects.stops().filter(consent=consent, recipient=partner).count() == 1


def test_turning_seven_stops_the_guardians_lone_consent_as_of_the_birthdays_start():
    partner = make_recipient("Đối tác Học bổng")
    child, consent, seventh = _lone_consent_turning_seven(in_days=40, recipients=[partner])

    assert services.consents_stop_outgrown(now=_at(seventh - timedelta(days=1), 23, 59)) == 0
    # The job runs at 00:30 on the birthday.
    assert services.consents_stop_outgrown(now=_at(seventh, 0, 30)) == 1

    consent.refresh_from_db()
    start = local_midnight(seventh)
    assert consent.status == ConsentStatus.WITHDRAWN
    assert (consent.ended_at, consent.withdrawn_at) == (start, start)
    (event,) = _stop_events(consent)
    assert (event.at, event.reason, event.source) == (start, OUTGROWN_STOP_REASON, OUTGROWN_STOP_SOURCE)
    actions = set(AuditEntry.objects.filter(target_id=str(consent.pk)).values_list("action", flat=True))
    assert {"consents.consent.withdrawn", "consents.duty.opened"} <= actions
    (duty,) = WithdrawalDuty.objects.stops().filter(consent=consent)
    assert (duty.recipient_id, duty.received_at) == (partner.pk, start)
    answer = consent_check(subject_ref=child.external_ref, purpose_code="svc-kid", now=_at(seventh, 9))
    assert (answer.allowed, answer.reason) == (False, "withdrawn")


def test_the_consent_report_no_longer_counts_it_in_force_after_the_birthday():
    _child, _consent, seventh = _lone_consent_turning_seven(in_days=70)
    # The worker was down: the first run is three days after the birthday.
    assert services.consents_stop_outgrown(now=_at(seventh + timedelta(days=3), 0, 30)) == 1

    after = _at(seventh + timedelta(days=70), 9)
    month = consent_report_month(seventh.replace(day=1), now=after)["totals"]
    assert (month["withdrawn"], month["in_force_at_end"]) == (1, 0)
    before = consent_report_month((seventh.replace(day=1) - timedelta(days=1)).replace(day=1), now=after)
    assert before["totals"]["in_force_at_end"] == 1


def test_at_sixteen_a_lone_consent_left_over_stops_and_one_the_child_gave_with_the_guardian_stands():
    guardian = make_subject()
    customer, sixteenth = _ward_turning(16, in_days=5, guardian=guardian)
    born = customer.date_of_birth
    at5, at10 = _at(born.replace(year=born.year + 5), 12), _at(born.replace(year=born.year + 10), 12)
    purpose_alone = make_purpose("svc-alone", category="service", effective_at=at5 - timedelta(days=1))
    alone = grant(customer, purpose_alone, guardian=guardian, now=at5)
    together = grant(customer, make_purpose("svc-both", category="service", effective_at=at5),
                     guardian=guardian, child_agreed=True, child_evidence="form-signed-by-child", now=at10)

    # The job's first run finds the consent the guardian gave alone when the customer was 5.
    assert services.consents_stop_outgrown(now=_at(sixteenth, 0, 30)) == 1

    alone.refresh_from_db()
    together.refresh_from_db()
    assert alone.status == ConsentStatus.WITHDRAWN
    assert alone.ended_at == local_midnight(born.replace(year=born.year + 7))
    assert together.status == ConsentStatus.GRANTED
    answer = consent_check(subject_ref=customer.external_ref, purpose_code="svc-both", now=_at(sixteenth, 9))
    assert (answer.allowed, answer.reason) == (True, "granted")


def test_a_child_still_six_is_left_alone():
    _child, consent, seventh = _lone_consent_turning_seven(in_days=10)

    assert services.consents_stop_outgrown(now=_at(seventh - timedelta(days=1), 23, 0)) == 0

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED
    assert not _withdrawal_entries(consent).exists()


def test_a_consent_the_child_gave_with_the_guardian_stands_at_seven():
    purpose = make_purpose("svc-kid", category="service", effective_at=timezone.now() - timedelta(days=30))
    guardian = make_subject()
    child = child_of(guardian, age=7)
    consent = grant(child, purpose, guardian=guardian, child_agreed=True, child_evidence="signed by child")

    assert services.consents_stop_outgrown(now=timezone.now() + timedelta(days=1)) == 0

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_running_twice_or_late_stops_once():
    partner = make_recipient("Đối tác Lặp")
    _child, consent, seventh = _lone_consent_turning_seven(in_days=20, recipients=[partner])

    ran = [services.consents_stop_outgrown(now=_at(seventh + timedelta(days=n), 0, 30)) for n in (0, 0, 1, 5)]

    assert ran == [1, 0, 0, 0]
    assert _stop_events(consent).count() == 1
    assert _withdrawal_entries(consent).count() == 1
    assert WithdrawalDuty.objects.stops().filter(consent=consent).count() == 1


def test_the_job_is_on_the_beat_schedule_daily():
    schedule = app.conf.beat_schedule.values()
    entries = [entry for entry in schedule if entry["task"] == tasks.stop_outgrown.name]
    assert len(entries) == 1
    assert entries[0]["options"]["expires"] <= 24 * 60 * 60
