"""Portal → Staff roles lists the logins a page at a time, their roles read together: a bank with
thousands of staff logins gets a page as fast as one with two."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.views import PAGE_SIZE
from core.roles import Role
from tests.factories import UserFactory, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
ROLES = [Role.OFFICER, Role.PRIVACY, Role.AUDITOR, Role.DPO]


def _logins(count: int, start: int) -> dict[str, Role]:
    made = {}
    for n in range(start, start + count):
        role = ROLES[n % len(ROLES)]
        made[UserFactory(username=f"staff{n:03d}", role=role).username] = role
    return made


def _roles_shown(html: str) -> dict[str, str]:
    """Each row's username and the role its form has selected."""
    rows = re.findall(r'data-testid="user-(staff\d+)".*?<option value="(\w*)" selected>', html, re.S)
    return dict(rows)


def test_the_roles_are_read_once_for_the_page(dpo):
    client = signed_in(dpo)
    _logins(2, 0)
    with_2 = queries_of(lambda: client.get(reverse("accounts:users")))
    made = _logins(18, 2)
    with_20 = queries_of(lambda: client.get(reverse("accounts:users")))

    assert with_20 == with_2
    shown = _roles_shown(client.get(reverse("accounts:users")).content.decode())
    assert {name: shown[name] for name in made} == {name: role.value for name, role in made.items()}


def test_the_logins_are_paged(dpo):
    client = signed_in(dpo)
    made = _logins(PAGE_SIZE + 3, 0)

    first = client.get(reverse("accounts:users")).content.decode()
    second = client.get(reverse("accounts:users"), {"page": 2}).content.decode()

    on_first, on_second = _roles_shown(first), _roles_shown(second)
    assert len(on_first) + len(on_second) == len(made)  # the DPO's own row has no form
    assert {**on_first, **on_second} == {name: role.value for name, role in made.items()}
    assert "page=2" in first


def test_a_role_changed_on_a_later_page_comes_back_to_it(dpo, officer):
    client = signed_in(dpo)

    response = client.post(f"{reverse('accounts:user_role', args=[officer.pk])}?page=2", {"role": "auditor"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:users')}?page=2"
