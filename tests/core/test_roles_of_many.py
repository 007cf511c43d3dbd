"""`user_roles` reads many users' roles in one query, as `user_role` reads one user's: the same
precedence, and a superuser in no role group is the DPO."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.roles import Role, user_role, user_roles
from tests.factories import UserFactory


def test_the_roles_of_many_users_are_those_user_role_gives_each(db, django_assert_num_queries):
    superuser = UserFactory(is_superuser=True)
    superuser_auditor = UserFactory(is_superuser=True, role=Role.AUDITOR)
    officer = UserFactory(role=Role.OFFICER)
    nobody = UserFactory()
    users = [superuser, superuser_auditor, officer, nobody]

    with django_assert_num_queries(1):
        many = user_roles([user.pk for user in users])

    one_by_one = {
        user.pk: role
        for user in get_user_model().objects.filter(pk__in=[u.pk for u in users])
        if (role := user_role(user)) is not None
    }
    assert many == one_by_one
    assert many == {superuser.pk: Role.DPO, superuser_auditor.pk: Role.AUDITOR, officer.pk: Role.OFFICER}
