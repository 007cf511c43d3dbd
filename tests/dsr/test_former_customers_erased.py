"""A former customer whose relationship ended longer ago than the bank's longest retention rule (the
inventory's, counted from that end) is erased by the nightly job once the bank turns it on, through the
deletion's own erasure: the platform's fields and copies, every recipient told to delete, an audit entry
per customer; one with an open request, a dispute hold or a legal hold in force is left for later."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from dsr import tasks
from dsr.models import DataCategory, DataSubjectRequest, DeletionRecord, DisputeHold, LegalHold
from dsr.selectors.former_customers import former_customers_past_retention
from dsr.services import former_customers
from dsr.services.former_customers import former_customers_erase_due
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import VN, make_inventory, make_request, verified_request
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db

# The inventory keeps transactions 5 years after the relationship ends (AML): a customer who left in
# 2015 is past it in 2026, one who left in 2024 is not.
NOW = datetime(2026, 3, 10, 1, 40, tzinfo=VN)
TODAY = NOW.date()


def _former(ended_on: date, **fields) -> DataSubject:
    subject = make_subject(**fields)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=ended_on)
    return subject


def test_a_customer_who_left_in_2015_is_no_longer_identifiable_after_the_job():
    make_inventory()
    partner = make_recipient("Partner Insurance", client=UserFactory(role="integration_client"),
                             url="https://partner.example/hooks")
    gone = make_subject()
    now = timezone.now()
    grant(gone, make_purpose("bancassurance", category="sharing", recipients=[partner]),
          now=now - timedelta(days=10))
    DataSubject.objects.filter(pk=gone.pk).update(relationship_ended_on=date(2015, 6, 30))

    assert former_customers_erase_due(now=now) == 1

    gone.refresh_from_db()
    assert (gone.full_name, gone.national_id, gone.phone, gone.email) == ("", "", "", "")
    assert gone.date_of_birth is None
    assert gone.retention_erased_at == now
    records = DeletionRecord.objects.filter(subject_id=gone.pk, request__isnull=True)
    assert set(records.values_list("category__code", flat=True)) == {"identity", "contact"}
    assert AuditEntry.objects.filter(action="dsr.former_customer.erased", subject_id=gone.pk).count() == 1
    assert AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=gone.pk).count() == 1
    # The partner holding the data is told to delete it, as a deletion tells it.
    (duty,) = WithdrawalDuty.objects.filter(recipient=partner, kind=WithdrawalDuty.Kind.ERASURE)
    assert duty.source == "dsr.retention"
    # Idempotent: a second run erases nobody again.
    assert former_customers_erase_due(now=now + timedelta(days=1)) == 0
    assert AuditEntry.objects.filter(action="dsr.former_customer.erased", subject_id=gone.pk).count() == 1


def test_those_still_kept_are_left_as_they_are():
    inventory = make_inventory()
    recent = _former(date(2024, 1, 15))
    current = make_subject()
    asking = _former(date(2015, 1, 1))
    make_request(asking, type="access")
    disputed = _former(date(2015, 1, 1))
    DisputeHold.objects.create(subject_id=disputed.pk, reason="court", reference="TA-1",
                               starts_on=date(2025, 1, 1), recorded_at=NOW)
    held = _former(date(2015, 1, 1))
    LegalHold.objects.create(subject_id=held.pk, category=DataCategory.objects.get(code="identity"),
                             system=inventory["platform"],
                             reason_vi="AML", legal_reference_vi="Law 14", created_at=NOW)

    assert former_customers_erase_due(now=NOW) == 0

    for kept in (recent, current, asking, disputed, held):
        kept.refresh_from_db()
        assert kept.full_name and kept.retention_erased_at is None


def test_the_five_years_end_on_their_last_day():
    make_inventory()
    last_day = _former(date(2021, 3, 10))  # kept through 10 March 2026
    past = _former(date(2021, 3, 9))

    assert list(former_customers_past_retention(today=TODAY)) == [past]
    assert list(former_customers_past_retention(today=TODAY + timedelta(days=1))) == [past, last_day]


def test_no_retention_rule_erases_nobody():
    _former(date(2000, 1, 1))
    assert not former_customers_past_retention(today=TODAY).exists()


def test_the_list_reads_in_a_flat_number_of_queries():
    make_inventory()
    _former(date(2015, 1, 1))
    with CaptureQueriesContext(connection) as few:
        list(former_customers_past_retention(today=TODAY))
    for _ in range(5):
        _former(date(2015, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert len(list(former_customers_past_retention(today=TODAY))) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_nightly_job_does_nothing_until_the_bank_turns_it_on(settings):
    make_inventory()
    gone = _former(date(2015, 1, 1))
    settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION = False
    assert tasks.erase_former_customers() == 0
    gone.refresh_from_db()
    assert gone.full_name

    settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION = True
    assert tasks.erase_former_customers() == 1
    gone.refresh_from_db()
    assert gone.full_name == "" and gone.retention_erased_at <= timezone.now()


def test_the_dpo_page_lists_them_masked_with_their_number_and_the_oldest(client, dpo):
    make_inventory()
    oldest = _former(date(2012, 2, 1), full_name="Trần Thị Cũ")
    _former(date(2015, 1, 1))
    _former(date(2025, 1, 1))  # still kept
    client.force_login(dpo)

    page = client.get("/portal/requests/former-customers/").content.decode()

    assert page.count('data-testid="former-customer"') == 2
    assert "T*** T*** C***" in page and "Trần Thị Cũ" not in page
    assert oldest.external_ref in page and "01/02/2012" in page
    assert "FORMER_CUSTOMERS_ERASED_AFTER_RETENTION" in page  # the job is off: the page says so


def test_the_dpo_page_reads_in_a_flat_number_of_queries(client, dpo):
    make_inventory()
    client.force_login(dpo)
    _former(date(2015, 1, 1))
    with CaptureQueriesContext(connection) as few:
        client.get("/portal/requests/former-customers/")
    for _ in range(5):
        _former(date(2015, 1, 1))
    with CaptureQueriesContext(connection) as many:
        client.get("/portal/requests/former-customers/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_guardian_is_kept_while_a_child_they_act_for_is_still_kept():
    make_inventory()
    guardian = _former(date(2015, 1, 1))
    child = make_subject(date_of_birth=date(2015, 5, 1))
    DataSubject.objects.filter(pk=child.pk).update(guardian=guardian, guardian_verified_at=NOW)

    # The child is still a customer: the guardian who acts for them stays reachable and identifiable.
    assert not former_customers_past_retention(today=TODAY).filter(pk=guardian.pk).exists()
    DataSubject.objects.filter(pk=child.pk).update(relationship_ended_on=date(2024, 1, 1))
    assert not former_customers_past_retention(today=TODAY).filter(pk=guardian.pk).exists()
    # Once the child's own retention has run out too, both go.
    DataSubject.objects.filter(pk=child.pk).update(relationship_ended_on=date(2016, 1, 1))
    assert set(former_customers_past_retention(today=TODAY)) == {guardian, child}


def test_a_deletion_answered_before_a_later_relationship_keeps_nobody_forever():
    make_inventory()
    came_back = _former(date(2015, 1, 1))
    deletion = verified_request(came_back, type="delete")
    # Erased by a deletion in 2012, then a customer again until 2015: what that relationship left is kept.
    DataSubjectRequest.objects.filter(pk=deletion.pk).update(
        status="completed", closed_at=datetime(2012, 5, 2, 10, 0, tzinfo=VN)
    )
    assert list(former_customers_past_retention(today=TODAY)) == [came_back]

    # Answered after the relationship's end, the deletion erased them: nothing left for this job.
    DataSubjectRequest.objects.filter(pk=deletion.pk).update(closed_at=datetime(2015, 2, 2, 10, 0, tzinfo=VN))
    assert not former_customers_past_retention(today=TODAY).exists()


def test_a_customer_left_out_under_the_lock_does_not_cut_the_batch_short(monkeypatch):
    make_inventory()
    disputed, *others = [_former(date(2015, 1, n)) for n in (1, 2, 3)]
    locked = former_customers.subjects_locked

    def dispute_recorded_meanwhile(**lookup):
        # A hold for a dispute recorded between the list's reading and the customer's lock.
        if lookup["pk"] == disputed.pk:
            DisputeHold.objects.create(subject_id=disputed.pk, reason="court", reference="TA-2",
                                       starts_on=date(2025, 1, 1), recorded_at=NOW)
        return locked(**lookup)

    monkeypatch.setattr(former_customers, "subjects_locked", dispute_recorded_meanwhile)

    # A full batch erased: the job queues itself again for those still due (`again_if_full`).
    assert former_customers_erase_due(now=NOW, limit=2) == 2
    assert DataSubject.objects.filter(pk__in=[s.pk for s in others], retention_erased_at=NOW).count() == 2
    disputed.refresh_from_db()
    assert disputed.full_name and disputed.retention_erased_at is None
