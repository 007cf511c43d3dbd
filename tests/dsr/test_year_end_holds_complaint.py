"""Year-end retention: a legal hold whose period has ended is not erased while the customer has a
complaint still open (the bank keeps what the dispute needs until it is settled); the night after the
complaint closes, the hold is released as usual."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from dsr import services
from dsr.models import LegalHold
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory, make_request, verified_request
from tests.dsr.test_services_deletion_law import answer

pytestmark = pytest.mark.django_db


def test_a_hold_past_its_end_waits_for_the_customers_open_complaint(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    deletion = verified_request(subject, type="delete", actor=worker)
    answer(deletion, worker, approver)
    complaint = make_request(subject, type="complaint", details="Tôi khiếu nại về việc xoá dữ liệu")
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))

    assert services.legal_holds_release_due(now=timezone.now()) == 0
    assert not LegalHold.objects.filter(request=deletion, released_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="dsr.hold.released").exists()

    services.request_cancel(actor=worker, request_id=complaint.pk)
    assert services.legal_holds_release_due(now=timezone.now()) == 3
