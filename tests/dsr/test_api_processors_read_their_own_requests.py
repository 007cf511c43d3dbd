"""Data minimisation (Law 91/2025): a client whose token serves some purposes only (a marketing agency's
call centre, a processor) reads the requests it filed, not every customer's access, deletion and
complaint requests across the bank. Core banking and the bank's apps (tokens serving every purpose)
and staff read them all."""
from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
PROCESSOR = ["requests:read", "requests:write", "purpose:marketing-offers"]


@pytest.fixture
def complaint(db):
    return make_request(make_subject(), type="complaint", details="Khiếu nại về khoản vay")


def _filed_by(api):
    answer = api.post("/api/v1/requests/", {
        "subject": make_subject().external_ref, "type": "object", "purposes": ["marketing-offers"],
        "details": "Không muốn nhận quảng cáo", "channel": "call_centre",
    }, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def test_a_processor_reads_only_the_requests_it_filed(as_user, client_user, complaint):
    make_purpose("marketing-offers", category="marketing")
    api = as_user(client_user, scopes=PROCESSOR)
    own = _filed_by(api)
    assert [row["id"] for row in api.get("/api/v1/requests/").json()["results"]] == [own]
    assert api.get(f"/api/v1/requests/{own}/").status_code == 200
    assert api.get(f"/api/v1/requests/{complaint.pk}/").status_code == 404


def test_core_banking_reads_every_request(as_user, client_user, complaint):
    api = as_user(client_user, scopes=["requests:read"])
    assert [row["id"] for row in api.get("/api/v1/requests/").json()["results"]] == [str(complaint.pk)]
    assert api.get(f"/api/v1/requests/{complaint.pk}/").status_code == 200
