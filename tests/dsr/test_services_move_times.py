"""A move that waited for another move of the same request is stamped after it: the clock is read once
the request's row lock is held, so the history's `at` (and the status webhooks') follow the order of the
moves. Before, the waiting move kept the time it read before it waited, earlier than the move it waited
for."""
from __future__ import annotations

import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dsr import services
from dsr.services.base import request_locked
from dsr.services.moves import move
from tests.concurrency import start_in_other_connection
from tests.dsr.factories import STAFF, make_request

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_a_move_that_waited_for_the_lock_is_stamped_after_the_move_it_waited_for(subject):
    request = make_request(subject, now=timezone.now())
    with transaction.atomic():
        locked, _now = request_locked(request.pk)
        cancel = start_in_other_connection(
            lambda: services.request_cancel(actor=STAFF, request_id=request.pk), settle=1
        )
        time.sleep(0.2)
        move(locked, to="verifying_identity", actor=STAFF, now=timezone.now())
    cancel()

    first, second = request.status_changes.order_by("pk")[1:]
    assert (first.new_status, second.new_status) == ("verifying_identity", "cancelled")
    assert second.at >= first.at, (first.at, second.at)
