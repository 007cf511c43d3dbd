"""`tests.concurrency.held_in_other_connection` leaves nothing behind when it fails (PostgreSQL: real
row locks). Its holder took the row for up to a minute even when the helper had already given up waiting
for it: the lock then outlived the test and the next flush of the database waited for it."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from tests.concurrency import held_in_other_connection, row_free
from tests.factories import UserFactory
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def _free_within(row, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if row_free(row):
            return True
        time.sleep(0.05)
    return False


def test_a_holder_that_did_not_get_the_row_in_time_does_not_keep_it_once_it_does():
    row = UserFactory()
    with transaction.atomic():
        # This connection holds the row, so the holder waits past the helper's patience.
        get_user_model().objects.select_for_update().get(pk=row.pk)
        with pytest.raises(AssertionError), held_in_other_connection(row, wait=0.5):
            pytest.fail("the block ran without the row held")
    # The holder gets the row now, and must give it up at once rather than hold it for a minute.
    assert _free_within(row, seconds=5)
