"""Data minimisation (Law 91/2025) in what integration clients read of a request: the app that filed it
and core banking follow its progress, which the bank's staff work. Who among the staff acted (their
logins in the history, the assignee, the verifier) and where the teller saw the customer's papers are
the bank's internal facts: a client reads who acted by kind (`staff`, `customer`, `client`), as the
customer does. The bank's staff keep reading the logins."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.actors import actor_for_user
from dsr import services
from tests.dsr.factories import MONDAY, awaiting_customer, refused_after_waiting
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(db, privacy_officer):
    request = awaiting_customer(
        make_subject(), type="complaint", details="Lộ số điện thoại", actor=actor_for_user(privacy_officer)
    )
    services.request_assign(actor=actor_for_user(privacy_officer), request_id=request.pk,
                            assignee=privacy_officer)
    return refused_after_waiting(request, now=MONDAY + timedelta(hours=3))


def test_a_client_reads_who_acted_by_kind(as_user, client_user, answered):
    api = as_user(client_user, scopes=["requests:read"])
    detail = api.get(f"/api/v1/requests/{answered.pk}/").json()
    listed = api.get("/api/v1/requests/").json()["results"][0]
    assert {change["actor"] for change in detail["history"]} <= {"staff", "customer", "client", "system"}
    assert detail["identity_verified_by"] == "staff"
    assert detail["identity_seen_at_branch"] == ""
    assert detail["assignee"] is None and listed["assignee"] is None


def test_staff_keep_the_logins(as_user, privacy_officer, answered):
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{answered.pk}/").json()
    assert privacy_officer.username in {change["actor"] for change in detail["history"]}
    assert detail["identity_verified_by"] == privacy_officer.username
    assert detail["assignee"] == privacy_officer.username
    assert detail["identity_seen_at_branch"] != ""
