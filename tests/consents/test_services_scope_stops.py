"""A recipient removed from a consented purpose, or a purpose retired, must stop processing the data of
the customers who consented (domain notes: the bank makes recipients and processors stop, keeping their
acknowledgements): a duty per consent and recipient, with the withdrawal's machinery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import PurposeChangeStops, WithdrawalDuty
from consents.selectors import withdrawal_complete
from consents.services.scope_stops import CUSTOMER_TOPIC, scope_stops_run
from integrations.models import BackgroundJob
from integrations.states import JobStatus
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _sharing(*recipients):
    return make_purpose(
        "partner-sharing", category="sharing", recipients=list(recipients),
        effective_at=timezone.now() - timedelta(days=30),
    )


def test_a_recipient_removed_from_a_consented_purpose_is_told_to_stop_for_each_live_consent():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    live = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    ended = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.consent_withdraw(actor=STAFF, consent_id=ended.pk, channel="branch")
    before = set(WithdrawalDuty.objects.values_list("pk", flat=True))

    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.scope_stops_run_queued()

    opened = WithdrawalDuty.objects.exclude(pk__in=before)
    assert [(d.consent_id, d.recipient.name, d.kind, d.status) for d in opened] == [
        (live.pk, "Broker", WithdrawalDuty.Kind.PURPOSE_CHANGE, WithdrawalDuty.Status.OPEN)
    ]
    assert opened.get().due_at > timezone.now()


def test_a_narrowing_announced_ahead_tells_the_recipient_when_it_takes_effect():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={}, recipients=[insurer],
        effective_at=timezone.now() + timedelta(days=8),
    )
    assert not WithdrawalDuty.objects.exists()

    services.purpose_versions_apply_due(now=timezone.now() + timedelta(days=9))
    services.scope_stops_run_queued(now=timezone.now() + timedelta(days=9))

    assert list(WithdrawalDuty.objects.values_list("recipient__name", "kind")) == [
        ("Broker", WithdrawalDuty.Kind.PURPOSE_CHANGE)
    ]


def test_retiring_a_consented_purpose_tells_every_recipient_of_each_live_consent_to_stop():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))

    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": False})
    services.scope_stops_run_queued()

    told = WithdrawalDuty.objects.filter(consent=consent, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
    assert sorted(told.values_list("recipient__name", flat=True)) == ["Broker", "Insurer"]
    # Rewording the retired purpose again tells nobody twice.
    services.purpose_update(actor=STAFF, code=purpose.code, changes={"name_en": "Old sharing"})
    services.scope_stops_run_queued()
    assert told.count() == 2


def test_the_customer_sees_on_their_page_which_recipients_were_told_to_stop_and_why(customer_a):
    subject = customer_a.customer_account.subject
    insurer = make_recipient("Bảo hiểm A", name_en="Insurer A")
    broker = make_recipient("Môi giới B", name_en="Broker B")
    sharing = _sharing(insurer, broker)
    offers = make_purpose(
        "old-offers", category="sharing", recipients=[insurer], name_en="Old offers",
        effective_at=timezone.now() - timedelta(days=30),
    )
    grant(subject, sharing, now=timezone.now() - timedelta(days=20))
    grant(subject, offers, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=sharing.code, changes={}, recipients=[insurer])
    services.purpose_update(actor=STAFF, code=offers.code, changes={"active": False})
    services.scope_stops_run_queued()

    page = parse(signed_in(customer_a).get("/en/me/consents/").content)

    section = page.find(**{"data-testid": "recipients-told-to-stop"})
    assert section is not None
    rows = [" ".join(row.text().split()) for row in section.find_all("li")]
    assert any(
        "Broker B" in row and "Purpose partner-sharing" in row and "no longer one of" in row for row in rows
    )
    assert any("Insurer A" in row and "Old offers" in row and "no longer offers" in row for row in rows)
    assert all("waiting for its confirmation" in row for row in rows), rows


def test_each_customer_who_consented_is_told_once_which_recipients_must_stop_and_why():
    insurer, broker = make_recipient("Bảo hiểm A", name_en="Insurer A"), make_recipient("Môi giới B")
    purpose = _sharing(insurer, broker)
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    withdrawn = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.consent_withdraw(actor=STAFF, consent_id=withdrawn.pk, channel="branch")

    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": False})
    services.scope_stops_run_queued()
    services.scope_stops_run_queued()

    told = Notification.objects.filter(topic=CUSTOMER_TOPIC).order_by("created_at")
    assert [n.subject_id for n in told] == [consent.subject_id, consent.subject_id]
    removed, retired = (notification_text(n) for n in told)
    assert "Môi giới B" in removed.body and "Mục đích partner-sharing" in removed.body
    assert "Bảo hiểm A" in retired.body and "Môi giới B" not in retired.body
    assert removed.body != retired.body and "/me/consents/" in retired.body


def test_the_save_records_the_change_and_the_job_opens_the_duties_in_batches():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    consents = [grant(purpose=purpose, now=timezone.now() - timedelta(days=20)) for _ in range(5)]

    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])

    assert not WithdrawalDuty.objects.exists()
    change = PurposeChangeStops.objects.get()
    assert AuditEntry.objects.filter(action="consents.purpose.stops_queued").count() == 1
    job = scope_stops_run(job_id=change.job_id, batch_size=2, budget_seconds=0)
    # One batch of two committed before the slice handed over: the cursor moved with it.
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.RUNNING, 2, 5)
    assert WithdrawalDuty.objects.count() == 2
    while job is not None and job.status == JobStatus.RUNNING:
        job = scope_stops_run(job_id=change.job_id, batch_size=2, budget_seconds=0)
    opened = WithdrawalDuty.objects.values_list("consent_id", flat=True)
    assert sorted(opened) == sorted(c.pk for c in consents)
    assert AuditEntry.objects.filter(action="consents.duty.purpose_change_opened").count() == 5


def test_a_rerun_of_the_change_opens_nothing_twice():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    for _ in range(3):
        grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.scope_stops_run_queued(batch_size=2)
    change = PurposeChangeStops.objects.get()
    # The same change run again from the start (its cursor lost): every stop is already open.
    BackgroundJob.objects.filter(pk=change.job_id).update(status=JobStatus.QUEUED, cursor=0, report=[])

    services.scope_stops_run_queued(batch_size=2)

    assert WithdrawalDuty.objects.count() == 3
    assert Notification.objects.filter(topic=CUSTOMER_TOPIC).count() == 3


def test_each_stops_clock_starts_when_the_narrowing_took_effect_not_when_the_job_ran():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    effective = timezone.now() + timedelta(days=8)
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={}, recipients=[insurer], effective_at=effective
    )

    # The version job applies it a day late, and the stops' job runs later still.
    services.purpose_versions_apply_due(now=effective + timedelta(days=1))
    services.scope_stops_run_queued(now=effective + timedelta(days=2))

    duty = WithdrawalDuty.objects.get()
    assert duty.received_at == effective
    assert duty.due_at == effective + timedelta(hours=72)


def test_switching_a_retired_purpose_back_on_tells_no_recipient_to_resume_and_the_page_says_so(dpo):
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": False})
    services.scope_stops_run_queued()

    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": True})
    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": False})
    services.scope_stops_run_queued()

    # Told once: the stop stands until the customer consents afresh; nothing tells them to resume.
    assert WithdrawalDuty.objects.count() == 2
    for prefix, words in (("/en", "stays stopped until the customer consents again"),
                          ("", "vẫn phải dừng cho đến khi khách hàng đồng ý lại")):
        page = signed_in(dpo).get(f"{prefix}/portal/purposes/{purpose.code}/edit/").content.decode()
        assert words in " ".join(page.split()), prefix


def test_a_recipient_that_confirmed_a_purpose_change_stop_is_not_told_again_on_withdrawal():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.scope_stops_run_queued()
    services.duty_acknowledge(actor=STAFF, duty_id=WithdrawalDuty.objects.get().pk, note="Letter of 3 May")

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    stops = WithdrawalDuty.objects.stops().filter(consent=consent)
    assert list(stops.values_list("recipient__name", flat=True)) == ["Insurer"]
    services.duty_acknowledge(actor=STAFF, duty_id=stops.get().pk, note="Letter of 4 May")
    consent.refresh_from_db()
    assert withdrawal_complete(consent)


def test_a_customer_recorded_as_deceased_is_not_written_to_but_the_recipient_is_still_told_to_stop():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    # A consent still on file from before deaths stopped consents: the record shows the death only.
    type(consent.subject).objects.filter(pk=consent.subject_id).update(
        deceased_on=timezone.localdate() - timedelta(days=3)
    )

    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.scope_stops_run_queued()

    assert not Notification.objects.filter(topic=CUSTOMER_TOPIC).exists()
    assert list(WithdrawalDuty.objects.filter(consent=consent).values_list("recipient__name", flat=True)) == [
        "Broker"
    ]
