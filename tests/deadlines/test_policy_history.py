"""The policy as it stood at a past moment (`deadlines.history.PolicyHistory`): the DPO's edits after it,
read back from the audit trail, are undone, empty values and switches included; those before it stand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.history import PolicyHistory, policies_as_of
from deadlines.models import DeadlinePolicy, DeadlineRegime
from dsr.services.policy import deadline_policy_update
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


def _bank_row() -> DeadlinePolicy:
    return DeadlinePolicy.objects.get(regime=DeadlineRegime.BANK, request_type="withdraw")


def _bank_row_at(history: PolicyHistory, moment) -> DeadlinePolicy | None:
    return next((row for row in history.in_force(moment) if row.regime == DeadlineRegime.BANK), None)


def test_an_edit_after_a_moment_is_undone_and_one_before_it_stands():
    start = timezone.now() - timedelta(hours=1)
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"processor_period": 120})
    between = timezone.now()
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"period": 48})

    history = PolicyHistory.since("withdraw", start - timedelta(days=1))

    def periods_at(moment):
        row = _bank_row_at(history, moment)
        return row.period, row.processor_period

    assert periods_at(start) == (72, None)
    assert periods_at(between) == (72, 120)
    assert _bank_row_at(history, timezone.now()).period == 48
    assert _bank_row().period == 48, "the table itself is left as it stands"


def test_a_row_switched_off_since_still_timed_what_was_heard_before():
    heard = timezone.now() - timedelta(minutes=5)
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"active": False})

    history = PolicyHistory.since("withdraw", heard - timedelta(days=1))

    assert _bank_row_at(history, heard).period == 72
    assert _bank_row_at(history, timezone.now()) is None


def test_work_heard_after_every_edit_reads_the_rows_alone(django_assert_num_queries):
    """The trail is read only when a row was edited after the moment: work heard now costs what it did."""
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"period": 48})
    heard = timezone.now()

    with django_assert_num_queries(1):
        rows = policies_as_of("withdraw", heard)

    assert next(row for row in rows if row.regime == DeadlineRegime.BANK).period == 48


def test_an_edit_is_dated_by_the_moment_the_service_is_given():
    """`deadline_policy_update(now=...)` dates the edit; work heard before that moment keeps the old rows,
    whether or not the trail is read (the shortcut reads the row's `updated_at`, the trail `recorded_at`)."""
    edited_at = timezone.now() + timedelta(hours=2)
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"period": 48}, now=edited_at)
    heard = edited_at - timedelta(hours=1)

    bank = next(row for row in policies_as_of("withdraw", heard) if row.regime == DeadlineRegime.BANK)

    assert bank.period == 72
    assert _bank_row_at(PolicyHistory.since("withdraw", heard - timedelta(days=1)), heard).period == 72
    assert _bank_row().updated_at == edited_at



def test_an_edit_dated_before_an_earlier_written_one_leaves_it_undone_too():
    """Edits written out of date order (a test's `now`, a replayed import): every edit dated after the
    moment is undone, not only those written after the last one dated before it."""
    start = timezone.now() - timedelta(days=10)
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"period": 48},
                           now=start + timedelta(days=5))
    deadline_policy_update(actor=STAFF, policy_id=_bank_row().pk, changes={"processor_period": 100},
                           now=start + timedelta(days=1))

    row = _bank_row_at(PolicyHistory.since("withdraw", start), start + timedelta(days=2))

    assert (row.period, row.processor_period) == (72, 100)
