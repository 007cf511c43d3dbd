"""A request is timed by the deadline policy as it stood when the bank received it: one typed in days
after it arrived on paper, and one closed before requests kept their rows (`deadline_policy` empty), are
not timed by the DPO's later edit (`deadlines.history.policies_as_of`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.models import DeadlinePolicy, DeadlineRegime
from deadlines.policy import due_at_for
from dsr.models import DataSubjectRequest
from dsr.selectors.clocks import request_deadlines
from dsr.services.policy import deadline_policy_update
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _bank_period_shortened() -> None:
    row = DeadlinePolicy.objects.get(regime=DeadlineRegime.BANK, request_type="access")
    deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"period": row.period - 1})


def test_a_paper_form_received_before_the_edit_and_typed_in_after_it_keeps_the_promise_then():
    received = timezone.now() - timedelta(days=3)
    promised = due_at_for(request_type="access", received_at=received)
    _bank_period_shortened()

    request = make_request(make_subject(), actor=STAFF, now=timezone.now(), received_at=received)

    assert request.received_at == received
    assert request.due_at == promised


def test_a_request_that_kept_no_rows_is_timed_by_the_policy_as_it_stood_at_receipt():
    request = make_request(make_subject(), actor=STAFF, now=timezone.now() - timedelta(hours=1))
    DataSubjectRequest.objects.filter(pk=request.pk).update(deadline_policy=[])
    request.refresh_from_db()
    _bank_period_shortened()

    assert request_deadlines(request).due_at == request.due_at
