"""Dates a person cannot mean answer 400 (API) or a form error (pages), never a 500 (pen test, finding 6)."""
from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

IMPOSSIBLE_DAYS = ["2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31"]
IMPOSSIBLE = [*IMPOSSIBLE_DAYS, "2026-02-30T10:00:00", "2026-01-01T25:00:00", "0001-01-01T00:00:00"]


@pytest.mark.parametrize(("path", "value"), [
    *(("/api/v1/audit/", value) for value in IMPOSSIBLE),
    *(("/api/v1/reports/deadlines/", value) for value in IMPOSSIBLE_DAYS),
])
def test_api_answers_400_naming_since(as_user, dpo, path, value):
    response = as_user(dpo).get(path, {"since": value})
    assert response.status_code == 400, response.content
    assert response.json()["since"][0]


def test_report_until_is_checked_too(as_user, dpo):
    response = as_user(dpo).get("/api/v1/reports/deadlines/", {"until": "2026-04-31"})
    assert response.status_code == 400 and response.json()["until"][0]


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_audit_page_shows_the_error(client, auditor, value):
    client.force_login(auditor)
    response = client.get("/en/portal/audit/", {"since": value})
    assert response.status_code == 200
    assert response.context["error"]


@pytest.mark.parametrize("value", ["2026-02-30", "0001-01-01", "yesterday"])
def test_report_page_shows_the_error(client, dpo, value):
    client.force_login(dpo)
    response = client.get("/en/portal/reports/deadlines/", {"since": value})
    assert response.status_code == 200
    assert response.context["period_error"]
    csv_response = client.get("/en/portal/reports/deadlines/", {"since": value, "format": "csv"})
    assert csv_response.status_code == 400


# `at` on the consent check went through a parser of its own with no range: 0001-01-01 at +07:00 is
# before year 1 in UTC and the check answered an HTML 500 (contract: "No input produces a 500").
@pytest.mark.parametrize("value", [*IMPOSSIBLE, "1899-12-31T23:59:59", "yesterday"])
def test_consent_check_answers_400_naming_at(as_user, client_user, value):
    subject, purpose = make_subject(), make_purpose("marketing")
    response = as_user(client_user).get(
        "/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": purpose.code, "at": value}
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["at"][0]


# DRF's DateTimeField overflows too, on the way to UTC, before any rule of ours runs.
BODY_MOMENTS = [
    ("post", "/api/v1/consents/", "expires_at"),
    ("patch", "/api/v1/purposes/marketing/", "effective_at"),
    ("post", "/api/v1/purposes/marketing/notices/", "effective_at"),
    ("post", "/api/v1/breaches/", "occurred_at"),
    ("post", "/api/v1/breaches/", "detected_at"),
    ("put", "/api/v1/processing-activities/marketing/", "started_at"),
    ("post", "/api/v1/requests/", "received_at"),
]


@pytest.mark.parametrize(("method", "path", "field"), BODY_MOMENTS)
@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00", "0001-01-01", "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00"]
)
def test_body_date_times_answer_400_naming_the_field(as_user, dpo, method, path, field, value):
    make_purpose("marketing")
    response = getattr(as_user(dpo), method)(path, {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
