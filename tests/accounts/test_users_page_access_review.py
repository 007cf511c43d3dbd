"""The DPO's periodic access review reads Portal → Staff roles: who holds which role, when each last
signed in, and which role holders have not signed in for STAFF_DORMANT_AFTER_DAYS (a contractor whose
account should have ended, a leaver nobody reported) so that their role can be removed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from core.roles import Role
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db


def _row(html: str, username: str) -> str:
    return re.search(rf'data-testid="user-{username}">(.*?)</tr>', html, re.S).group(1)


def test_each_login_shows_its_last_sign_in_and_dormant_role_holders_are_flagged(dpo, settings):
    now = timezone.now()
    settings.STAFF_DORMANT_AFTER_DAYS = 90
    recent = UserFactory(username="recent", role=Role.OFFICER)
    dormant = UserFactory(username="dormant", role=Role.PRIVACY)
    never = UserFactory(username="never", role=Role.AUDITOR)
    leaver = UserFactory(username="leaver")
    users = get_user_model().objects
    users.filter(pk=recent.pk).update(last_login=now - timedelta(days=3))
    users.filter(pk=dormant.pk).update(last_login=now - timedelta(days=120))
    users.filter(pk__in=[never.pk, leaver.pk]).update(last_login=None, date_joined=now - timedelta(days=200))

    with translation.override("en"):
        html = signed_in(dpo).get(reverse("accounts:users")).content.decode()

    assert "Last sign-in" in html
    assert "Never" not in _row(html, "recent") and "Dormant" not in _row(html, "recent")
    assert "Dormant" in _row(html, "dormant")
    assert "Never" in _row(html, "never") and "Dormant" in _row(html, "never")
    assert "Dormant" not in _row(html, "leaver")  # no role: nothing left to remove


def test_the_review_can_list_only_the_dormant_logins(dpo, settings):
    now = timezone.now()
    settings.STAFF_DORMANT_AFTER_DAYS = 90
    active = UserFactory(username="active", role=Role.OFFICER)
    dormant = UserFactory(username="dormant", role=Role.OFFICER)
    UserFactory(username="leaver")
    users = get_user_model().objects
    users.filter(pk=active.pk).update(last_login=now - timedelta(days=1))
    users.filter(pk=dormant.pk).update(last_login=now - timedelta(days=91))
    users.exclude(pk__in=[active.pk, dormant.pk]).update(date_joined=now - timedelta(days=200))
    users.filter(pk=dpo.pk).update(last_login=now)

    html = signed_in(dpo).get(reverse("accounts:users"), {"dormant": "1"}).content.decode()

    assert re.findall(r'data-testid="user-(\w+)"', html) == ["dormant"]


def test_a_role_removed_from_the_dormant_list_comes_back_to_the_dormant_list(dpo, settings):
    settings.STAFF_DORMANT_AFTER_DAYS = 90
    dormant = UserFactory(username="dormant", role=Role.OFFICER)
    get_user_model().objects.filter(pk=dormant.pk).update(last_login=timezone.now() - timedelta(days=91))
    client = signed_in(dpo)
    html = client.get(reverse("accounts:users"), {"dormant": "1"}).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', _row(html, "dormant")).group(1)

    answer = client.post(action.replace("&amp;", "&"), {"role": ""})

    assert answer.status_code == 302
    assert answer.url == reverse("accounts:users") + "?dormant=1"
