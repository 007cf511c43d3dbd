"""The hourly end of roles against the DPO extending one at the same moment: the job reads the roles
past their last day before it locks anyone, so a last day moved later meanwhile must be read again
under the lock, or the job removes a role the DPO has just extended."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import StaffProfile
from accounts.services import roles_expire, user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role, user_role
from tests.concurrency import start_in_other_connection
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
VN = timezone.get_fixed_timezone(7 * 60)


def test_a_last_day_extended_while_the_job_waits_keeps_the_role(dpo):
    contractor = UserFactory(role=Role.OFFICER)
    user_role_set(actor=actor_for_user(dpo), user=contractor, role=Role.OFFICER, until=date(2099, 6, 30))
    the_day_after = datetime(2099, 7, 1, 0, 5, tzinfo=VN)

    # The DPO's extension holds the login's row (as `user_role_set` does) while the job reads and waits.
    with transaction.atomic():
        get_user_model().objects.select_for_update(no_key=True).get(pk=contractor.pk)
        StaffProfile.objects.filter(user=contractor).update(role_until=date(2099, 12, 31))
        ended = start_in_other_connection(lambda: roles_expire(now=the_day_after))

    assert ended() == 0
    assert user_role(get_user_model().objects.get(pk=contractor.pk)) == Role.OFFICER
    assert StaffProfile.objects.get(user=contractor).role_until == date(2099, 12, 31)
    assert not AuditEntry.objects.filter(action="core.user.role_changed", data__new=None).exists()
