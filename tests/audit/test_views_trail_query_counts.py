"""The audit trail (page and API) costs the same queries with 20 entries as with 2, whoever wrote them
and whichever customer they concern: nothing is looked up per entry."""
from __future__ import annotations

import pytest
from django.db import transaction

from audit.services import audit_record
from core.actors import actor_for_user
from tests.factories import UserFactory, make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
ACTIONS = ("core.subject.viewed", "core.token.issued", "core.user.role_changed")


def _entries(count: int, subject) -> None:
    """Entries by different staff, about the customer or about no one, of several actions."""
    with transaction.atomic():
        for n in range(count):
            audit_record(action=ACTIONS[n % len(ACTIONS)], actor=actor_for_user(UserFactory()),
                         subject=subject if n % 2 else None, data={"n": n})


@pytest.mark.parametrize("by_customer", [False, True])
def test_the_trail_page_does_not_query_per_entry(auditor, by_customer):
    client = signed_in(auditor)
    subject = make_subject()
    url = f"/en/portal/audit/?subject={subject.external_ref}" if by_customer else "/en/portal/audit/"
    _entries(4, subject)  # 2 about the customer
    few = queries_of(lambda: client.get(url))
    _entries(36, subject)  # 20 about the customer
    many = queries_of(lambda: client.get(url))

    assert many == few


def test_the_trail_api_does_not_query_per_entry(auditor, as_user):
    client = as_user(auditor)
    subject = make_subject()
    _entries(2, subject)
    with_2 = queries_of(lambda: client.get("/api/v1/audit/", {"limit": 100}))
    _entries(18, subject)
    with_20 = queries_of(lambda: client.get("/api/v1/audit/", {"limit": 100}))

    assert with_20 == with_2
