"""Deletion as the law has it: holds run from their rule's start event, each system gets its
erase/hold instructions and confirms, held data serves only the legal obligation, and four eyes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.selectors import consent_check
from core.actors import actor_for_user
from core.errors import Conflict
from deadlines.policy import add_months
from dsr import services
from dsr.models import DeletionRecord, FulfilmentTask, LegalHold
from dsr.selectors.deletions import hold_ends_on
from dsr.services import inventory
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_held_system, make_inventory, make_request_rule, verified_request

pytestmark = pytest.mark.django_db


def finish_tasks(request, actor):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=actor, task_id=task.pk, result={"done": True})


@pytest.fixture
def deletion(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    request = verified_request(subject, type="delete", actor=worker)
    return request, worker, approver


def answer(request, worker, approver):
    finish_tasks(request, worker)
    services.request_approve(actor=approver, request_id=request.pk)
    return services.request_complete(actor=worker, request_id=request.pk)


def test_each_system_task_says_what_to_erase_and_what_to_hold(deletion):
    request, _worker, _approver = deletion
    task = request.tasks.get(system__code="core_banking")
    assert task.instructions == [
        {"category": "contact", "action": "erase", "hold_until": None, "law": ""},
        # The relationship is still open: the hold has no end date yet.
        {"category": "identity", "action": "hold", "hold_until": None, "law": "Law 14/2022/QH15 Art. 40"},
        {"category": "transactions", "action": "hold", "hold_until": None, "law": "Law 14/2022/QH15 Art. 40"},
    ]


def test_a_hold_runs_from_the_end_of_the_relationship(subject, privacy_officer, dpo):
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2026, 1, 31))
    make_inventory()
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    task = request.tasks.get(system__code="core_banking")
    assert {i["hold_until"] for i in task.instructions if i["action"] == "hold"} == {"2031-01-31"}
    answer(request, worker, actor_for_user(dpo))
    assert set(LegalHold.objects.filter(request=request).values_list("ends_on", flat=True)) == {
        add_months(date(2026, 1, 31), 60)
    }


def test_an_open_relationship_keeps_the_hold_undated_until_it_ends(deletion, subject):
    request, worker, approver = deletion
    answer(request, worker, approver)
    assert set(LegalHold.objects.filter(request=request).values_list("ends_on", flat=True)) == {None}
    later = timezone.now() + timedelta(days=10 * 366)
    assert services.legal_holds_release_due(now=later) == 0
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2026, 6, 30))
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    assert set(LegalHold.objects.filter(request=request).values_list("ends_on", flat=True)) == {
        date(2031, 6, 30)
    }


def test_the_nightly_job_that_dates_a_hold_says_so_in_the_trail(deletion, subject):
    # The date decides when the law's copy is erased: an inspector asking "why 30 June 2031?" reads it here.
    request, worker, approver = deletion
    answer(request, worker, approver)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2026, 6, 30))
    services.legal_holds_release_due(now=timezone.now())
    entries = AuditEntry.objects.filter(action="dsr.hold.dated").order_by("sequence")
    holds = LegalHold.objects.filter(request=request)
    assert {(e.subject_id, e.target_id) for e in entries} == {(subject.pk, str(h.pk)) for h in holds}
    assert {e.data["after"] for e in entries} == {"2031-06-30"}
    assert {(e.data["category"], e.data["system"]) for e in entries} == {
        (h.category.code, h.system.code) for h in holds
    }


def test_held_data_serves_only_the_legal_obligation(deletion, subject):
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    request, worker, approver = deletion
    done = answer(request, worker, approver)
    assert done.status == "partially_completed"
    refused = consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers")
    assert (refused.allowed, refused.reason) == (False, "legal_hold")
    assert consent_check(subject_ref=subject.external_ref, purpose_code="kyc").allowed


def test_deletion_records_come_only_from_each_systems_confirmation(deletion):
    request, worker, approver = deletion
    core = request.tasks.get(system__code="core_banking")
    services.task_complete(actor=worker, task_id=core.pk, result={"done": True})
    # Only what core banking was told to erase, and nothing yet for the marketing platform.
    assert set(
        DeletionRecord.objects.filter(request=request).values_list("system__code", "category__code")
    ) == {("core_banking", "contact")}
    finish_tasks(request, worker)
    services.request_approve(actor=approver, request_id=request.pk)
    services.request_complete(actor=worker, request_id=request.pk)
    assert not DeletionRecord.objects.filter(
        request=request, system__code="core_banking", category__code="identity"
    )


def test_when_a_hold_ends_each_system_gets_an_erase_task(deletion, subject):
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    request, worker, approver = deletion
    answer(request, worker, approver)
    assert (
        consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers").reason
        == "legal_hold"
    )
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    assert services.legal_holds_release_due(now=timezone.now()) == 3
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    # The platform erased its own copy; core banking has not confirmed yet, so no record for it.
    assert DeletionRecord.objects.filter(request=request, hold__isnull=False).count() == 1
    erase_tasks = FulfilmentTask.objects.filter(request=request, hold__isnull=False, status="open")
    assert sorted(t.instructions[0]["category"] for t in erase_tasks) == ["identity", "transactions"]
    assert all(t.instructions[0]["action"] == "erase" for t in erase_tasks)
    finish_tasks(request, worker)
    assert DeletionRecord.objects.filter(request=request, hold__isnull=False).count() == 3
    # Nothing is held any more: the legal-hold restriction is gone, and the consent the deletion
    # withdrew answers for itself.
    after = consent_check(subject_ref=subject.external_ref, purpose_code="marketing-offers")
    assert (after.allowed, after.reason) == (False, "withdrawn")


def test_the_one_who_approves_cannot_complete(deletion):
    request, worker, approver = deletion
    finish_tasks(request, worker)
    with pytest.raises(Conflict) as unapproved:
        services.request_complete(actor=worker, request_id=request.pk)
    assert unapproved.value.code == "approval_required"
    services.request_approve(actor=worker, request_id=request.pk)
    with pytest.raises(Conflict) as same_person:
        services.request_complete(actor=worker, request_id=request.pk)
    assert same_person.value.code == "approval_required"
    assert services.request_complete(actor=approver, request_id=request.pk).status == "partially_completed"


def test_a_rule_counted_from_the_request_dates_its_hold_at_once(subject, privacy_officer):
    rule = make_request_rule(actor_for_user(privacy_officer), months=24)
    make_held_system(code="complaints", name="Complaint files", category="complaints", rule=rule)
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    task = request.tasks.get(system__code="complaints")
    received = timezone.localtime(request.received_at).date()
    assert task.instructions[0]["hold_until"] == add_months(received, 24).isoformat()


def test_accounting_records_are_held_to_the_end_of_the_last_accounting_year_plus_its_period(
    subject, privacy_officer, dpo
):
    """Law 88/2015/QH13 Art. 41 counts the 10 years from the end of the accounting year. Records of
    a relationship that ended on 1 March 2026 include that year's, so the hold runs to 31 December
    2036; counted from the relationship's end it would free them in March 2036, ten months early.
    An open relationship keeps the hold undated; the daily schedule dates it when it ends."""
    worker = actor_for_user(privacy_officer)
    rule = inventory.retention_rule_save(
        rule=None,
        actor=worker,
        name_vi="Chứng từ kế toán: 10 năm",
        name_en="Accounting documents: 10 years",
        period_months=120,
        starts="the end of the accounting year",
        start_event="accounting_year_end",
        legal_reference_vi="Luật Kế toán 88/2015/QH13, Điều 41",
        legal_reference_en="Law 88/2015/QH13 Art. 41",
        law="accounting",
    )
    make_held_system(code="ledger", name="General ledger", category="accounting_docs", rule=rule)
    request = verified_request(subject, type="delete", actor=worker)
    assert request.tasks.get(system__code="ledger").instructions[0]["hold_until"] is None
    finish_tasks(request, worker)
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    services.request_complete(actor=worker, request_id=request.pk)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2026, 3, 1))
    services.legal_holds_release_due(now=timezone.now())
    assert LegalHold.objects.get(request=request).ends_on == date(2036, 12, 31)
    assert hold_ends_on(
        start_event="accounting_year_end", period_months=120,
        relationship_ended_on=date(2026, 3, 1), requested_on=date(2026, 5, 4),
    ) == date(2036, 12, 31)


def test_the_system_sees_its_erase_task_when_a_hold_ends(subject, privacy_officer, dpo, client_user):
    from dsr.selectors import tasks_for_client

    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    make_inventory(corebank_client=client_user)
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    answer(request, worker, actor_for_user(dpo))
    assert not tasks_for_client(client_user).exists()
    services.legal_holds_release_due(now=timezone.now())
    listed = list(tasks_for_client(client_user))
    assert {t.instructions[0]["category"] for t in listed} == {"identity", "transactions"}
    for task in listed:
        services.task_complete(actor=actor_for_user(client_user), task_id=task.pk, result={"erased": True})
    assert (
        DeletionRecord.objects.filter(
            request=request, system__code="core_banking", hold__isnull=False
        ).count()
        == 2
    )
