"""A leaver's role change writes audit entries from two apps: integrations revokes their API tokens
(`core.token.revoked`) and dsr gives their open requests back to the queue. The first audit entry
locks the chain's head until commit, so every customer must be locked before it (the one lock order,
`subjects.locks`): a customer locked after the head waits for a writer of that customer that waits
for the head, and PostgreSQL aborts one of them (deadlock detected)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_role_set
from core.actors import actor_for_user
from core.roles import Role
from dsr import services
from tests.dsr.factories import make_request
from tests.factories import UserFactory, make_subject, make_token

pytestmark = pytest.mark.django_db


def _first(queries: list[str], table: str) -> int:
    return next(index for index, sql in enumerate(queries) if f'"{table}"' in sql)


def test_a_leaver_with_a_token_has_their_customers_locked_before_the_first_audit_entry(dpo):
    leaver = UserFactory(role=Role.OFFICER)
    make_token(leaver)
    request = make_request(make_subject())
    services.request_assign(actor=actor_for_user(dpo), request_id=request.pk, assignee=leaver)

    with CaptureQueriesContext(connection) as captured:
        user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)

    queries = [query["sql"] for query in captured.captured_queries]
    assert _first(queries, "core_datasubject") < _first(queries, "audit_auditchainhead")
