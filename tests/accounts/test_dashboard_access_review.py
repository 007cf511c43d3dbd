"""The DPO's access review starts from the dashboard they open every morning: logins holding a role
without a sign-in for STAFF_DORMANT_AFTER_DAYS, and roles whose last day comes within 14 days (a
contractor to extend or let go), each a card linking to Portal → Staff roles. None while there are none."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import user_role_set
from core.actors import actor_for_user
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dpos_dashboard_counts_dormant_logins_and_roles_ending_soon(client, dpo, settings):
    settings.STAFF_DORMANT_AFTER_DAYS = 90
    now = timezone.now()
    users = get_user_model().objects
    users.update(last_login=now)
    dormant = UserFactory(role=Role.OFFICER)
    users.filter(pk=dormant.pk).update(last_login=now - timedelta(days=91))
    today = timezone.localdate()
    for until in (today + timedelta(days=14), today + timedelta(days=15)):
        contractor = UserFactory(role=Role.OFFICER)
        users.filter(pk=contractor.pk).update(last_login=now)
        user_role_set(actor=actor_for_user(dpo), user=contractor, role=Role.OFFICER, until=until)
    client.force_login(dpo)

    page = client.get("/en/portal/").content.decode()

    assert 'data-testid="card-dormant-logins">1<' in page
    assert 'href="/en/portal/users/?dormant=1"' in page
    assert 'data-testid="card-roles-ending">1<' in page


def test_no_card_while_nothing_is_due_nor_for_other_staff(client, dpo, privacy_officer, settings):
    settings.STAFF_DORMANT_AFTER_DAYS = 90
    get_user_model().objects.update(last_login=timezone.now())
    UserFactory(role=Role.OFFICER, last_login=timezone.now() - timedelta(days=91))

    client.force_login(dpo)
    assert "card-roles-ending" not in client.get("/en/portal/").content.decode()
    client.force_login(privacy_officer)
    assert "card-dormant-logins" not in client.get("/en/portal/").content.decode()
