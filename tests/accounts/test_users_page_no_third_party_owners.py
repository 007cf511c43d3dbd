"""A registered third party's OAuth application is owned by a login nobody signs in with
(`thirdparty-…`). It is no member of staff: the access review on Portal → Staff roles must not list
it among the bank's people, nor may a staff role be granted to it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import user_role_set
from core.actors import actor_for_user
from core.errors import Conflict
from core.roles import Role
from tests.authorisations.factories import register
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_a_third_partys_owner_login_is_not_listed_nor_given_a_staff_role(dpo):
    owner = register().third_party.application.user

    html = signed_in(dpo).get(reverse("accounts:users")).content.decode()

    assert owner.username not in html
    with pytest.raises(Conflict):
        user_role_set(actor=actor_for_user(dpo), user=owner, role=Role.OFFICER)
