"""Creating a login and granting or removing a role are audited; the DPO grants and removes staff
roles on Portal → Staff roles."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.services import user_create, user_role_set
from audit.models import AuditEntry
from core.actors import Actor
from core.errors import Conflict
from core.roles import Role, user_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_creating_a_login_is_audited():
    user = user_create(actor=SYSTEM, username="new.officer", password="a-long-password-1", role=Role.OFFICER)

    entry = AuditEntry.objects.get(action="core.user.created")
    assert entry.target_id == str(user.pk)
    assert entry.data == {"user_id": user.pk, "role": "officer"}


def test_granting_and_removing_a_role_is_audited_with_old_and_new():
    user = UserFactory(role=Role.OFFICER)

    user_role_set(actor=SYSTEM, user=user, role=Role.AUDITOR)
    user_role_set(actor=SYSTEM, user=user, role=None)

    assert user_role(type(user).objects.get(pk=user.pk)) is None
    entries = AuditEntry.objects.filter(action="core.user.role_changed").order_by("sequence")
    changes = [e.data for e in entries]
    assert changes == [
        {"user_id": user.pk, "old": "officer", "new": "auditor"},
        {"user_id": user.pk, "old": "auditor", "new": None},
    ]


def test_the_same_role_again_changes_nothing_and_writes_nothing():
    user = UserFactory(role=Role.OFFICER)
    user_role_set(actor=SYSTEM, user=user, role=Role.OFFICER)
    assert not AuditEntry.objects.filter(action="core.user.role_changed").exists()


def test_customers_and_integration_accounts_are_not_changed_here(customer_a, client_user):
    for user in (customer_a, client_user):
        with pytest.raises(Conflict):
            user_role_set(actor=SYSTEM, user=user, role=Role.DPO)


def test_the_dpo_grants_and_removes_roles_on_the_portal(client, dpo, officer):
    client.force_login(dpo)
    page = client.get(reverse("accounts:users"))
    assert page.status_code == 200
    assert f'data-testid="user-{officer.username}"' in page.content.decode()

    response = client.post(reverse("accounts:user_role", args=[officer.pk]), {"role": Role.PRIVACY.value})

    assert response.status_code == 302
    assert user_role(type(officer).objects.get(pk=officer.pk)) == Role.PRIVACY
    entry = AuditEntry.objects.get(action="core.user.role_changed")
    assert entry.actor_user_id == dpo.pk

    client.post(reverse("accounts:user_role", args=[officer.pk]), {"role": ""})
    assert user_role(type(officer).objects.get(pk=officer.pk)) is None


def test_the_dpo_cannot_remove_their_own_role(client, dpo):
    client.force_login(dpo)

    with translation.override("en"):  # restores the language the request switches to
        response = client.post(reverse("accounts:user_role", args=[dpo.pk]), {"role": Role.OFFICER.value},
                               follow=True)

    assert user_role(type(dpo).objects.get(pk=dpo.pk)) == Role.DPO
    assert "You cannot change your own role" in response.content.decode()
    assert not AuditEntry.objects.filter(action="core.user.role_changed").exists()


@pytest.mark.parametrize("who", ["officer", "privacy_officer", "auditor"])
def test_only_the_dpo_opens_the_page(client, request, who, officer):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts:users")).status_code == 403
    assert client.post(reverse("accounts:user_role", args=[officer.pk]), {"role": "dpo"}).status_code == 403
