"""Whether a request or a task is the viewer's own (`subjects.staff_records.own_records`) is read once per
caller, not once per row: the API's task list asks the allowed actions of every task, and a list of hundreds
paid one query (two for staff linked to a customer record) for each."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _list_queries(api, path) -> int:
    api.get(path)  # fills the caches every call shares (token, catalogue)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/api/v1/request-tasks/", "/api/v1/requests/"])
@pytest.mark.parametrize("linked", [False, True], ids=["staff", "staff who is a customer"])
def test_a_list_reads_the_viewers_own_records_once(as_user, privacy_officer, linked, path):
    if linked:
        make_subject(external_ref="CIF7400201")
        call_command("link_staff_customer", privacy_officer.username, "CIF7400201", "--reason", "HR file 45")
    make_inventory()
    api = as_user(privacy_officer)
    verified_request(make_subject(), type="copy", actor=STAFF)
    few = _list_queries(api, path)
    for _ in range(3):
        verified_request(make_subject(), type="copy", actor=STAFF)

    assert _list_queries(api, path) == few
