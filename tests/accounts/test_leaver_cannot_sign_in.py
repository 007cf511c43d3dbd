"""A login whose role the DPO removed (a leaver) reaches nothing; it must not sign in either. Signing
in anyway would count as a sign-in in the log and move `last_login`, the date an access review reads,
and keep a session the bank thinks ended; a role given back lets them sign in again."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.services import user_role_set
from core.actors import actor_for_user
from core.roles import Role
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # UserFactory's


def _sign_in(user) -> Client:
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    return browser


def test_a_leaver_cannot_sign_in_and_their_open_session_ends(dpo):
    leaver = UserFactory(role=Role.OFFICER)
    open_session = signed_in(leaver)

    user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)

    last_seen = get_user_model().objects.get(pk=leaver.pk).last_login
    assert "_auth_user_id" not in _sign_in(leaver).session
    assert get_user_model().objects.get(pk=leaver.pk).last_login == last_seen
    page = open_session.get(reverse("dsr:queue"))
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_a_role_given_back_signs_in_again(dpo):
    returner = UserFactory(role=Role.OFFICER)
    user_role_set(actor=actor_for_user(dpo), user=returner, role=None)
    user_role_set(actor=actor_for_user(dpo), user=returner, role=Role.OFFICER)

    assert _sign_in(returner).session["_auth_user_id"] == str(returner.pk)
