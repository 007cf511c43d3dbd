"""A role change locks the person's login row while it runs, and other writers reference that row:
PostgreSQL checks a foreign key (Django's are deferred to commit) with FOR KEY SHARE on the row named,
so a request assigned to the person, or anything the person writes that names them, waits at its
commit for the role change. Locked FOR UPDATE, the role change then waited in turn for that writer's
customer or the audit chain's head, which the writer held: deadlock detected, one side aborted. Locked
FOR NO KEY UPDATE (the role change changes no key), the writer's check goes through."""
from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.services import user_role_set
from accounts.signals import role_changing
from core.actors import actor_for_user
from core.roles import Role
from tests.concurrency import started_in_other_connection
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _key_share_at_once(user_id: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM auth_user WHERE id = %s FOR KEY SHARE NOWAIT", [user_id])
    except DatabaseError:
        return False
    return True


def test_a_writer_naming_the_person_is_not_held_up_by_their_role_change(dpo):
    leaver = UserFactory(role=Role.OFFICER)
    seen: dict = {}

    def check_from_another_connection(sender, *, user_id, **kwargs):
        thread, out = started_in_other_connection(lambda: _key_share_at_once(user_id))
        thread.join(20)
        seen.update(out)

    role_changing.connect(check_from_another_connection, dispatch_uid="test.key_share")
    try:
        user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)
    finally:
        role_changing.disconnect(dispatch_uid="test.key_share")

    assert seen == {"value": True}
