"""The auditor tests controls by sampling: 25 consents and 25 requests of the year, drawn at random,
each asked for its evidence. The platform could list records but not draw a sample, so the draw
happened in a spreadsheet nobody could repeat. `GET /api/v1/audit-samples/` draws it from a named
population (the records of a period, in a stated order) with a seed: the same seed gives the same
sample, the population's size and fingerprint let the external auditor check they drew from the same
records, and each sampled record links to its evidence."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import make_token, subjects_in_bulk

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_START = datetime(2026, 1, 1, tzinfo=HCM)


@pytest.fixture
def year_of_consents():
    purpose = make_purpose()
    subjects = subjects_in_bulk(62)
    moments = [YEAR_START + timedelta(days=n) for n in range(60)]
    # Before and after the year: outside the population.
    moments += [YEAR_START - timedelta(minutes=1), datetime(2027, 1, 1, tzinfo=HCM)]
    rows = [{"subject": who, "granted_at": moment} for who, moment in zip(subjects, moments, strict=True)]
    return consents_in_bulk(purpose, rows)


def _sample(api, user, **params):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    query = {"population": "consents", "since": "2026-01-01", "until": "2027-01-01", **params}
    return api.get("/api/v1/audit-samples/", query)


def test_the_same_seed_draws_the_same_sample_from_the_periods_records(api, auditor, year_of_consents):
    first = _sample(api, auditor, size=25, seed="audit-2026-consents")
    again = _sample(api, auditor, size=25, seed="audit-2026-consents")
    other = _sample(api, auditor, size=25, seed="another-seed")

    assert first.status_code == 200, first.content
    body = first.json()
    assert body["population_count"] == 60
    assert body["seed"] == "audit-2026-consents"
    assert len(body["items"]) == 25 and len({item["id"] for item in body["items"]}) == 25
    in_year = {str(consent.pk) for consent in year_of_consents[:60]}
    assert {item["id"] for item in body["items"]} <= in_year
    assert again.json()["items"] == body["items"]
    assert again.json()["population_sha256"] == body["population_sha256"]
    assert other.json()["items"] != body["items"]
    assert all(item["evidence"].endswith(f"/api/v1/consents/{item['id']}/") for item in body["items"])
    assert all(item["audit_entries"].endswith(f"&target={item['id']}") for item in body["items"])


def test_without_a_seed_one_is_chosen_and_given_back_to_repeat_the_draw(api, auditor, year_of_consents):
    drawn = _sample(api, auditor, size=5).json()
    assert drawn["seed"]
    assert _sample(api, auditor, size=5, seed=drawn["seed"]).json()["items"] == drawn["items"]


def test_a_sample_larger_than_the_population_is_the_whole_population(api, auditor, year_of_consents):
    body = _sample(api, auditor, size=200).json()
    assert len(body["items"]) == 60


def test_a_request_sample_and_bad_input(api, auditor, officer, subject):
    assert _sample(api, auditor, population="requests").json()["population_count"] == 0
    assert _sample(api, auditor, population="logins").status_code == 400
    assert _sample(api, auditor, size=0).status_code == 400
    assert _sample(api, auditor, since="").status_code == 400
    assert _sample(api, officer).status_code == 403


def test_the_auditor_draws_the_same_sample_on_the_portal_page(logged_in, auditor, year_of_consents):
    client = logged_in(auditor)
    query = {"population": "consents", "since": "2026-01-01", "until": "2027-01-01", "size": 5,
             "seed": "audit-2026-consents"}

    page = client.get("/portal/audit/samples/", query)

    assert page.status_code == 200
    drawn = _sample_api_ids(client, query)
    body = page.content.decode()
    assert all(f"/portal/consents/{consent_id}/receipt/" in body for consent_id in drawn)
    assert all(f"target={consent_id}" in body for consent_id in drawn)
    assert "audit-2026-consents" in body and ">60<" in body


def test_the_page_refuses_a_reversed_period_with_a_message(logged_in, auditor):
    page = logged_in(auditor).get(
        "/portal/audit/samples/", {"population": "requests", "since": "2027-01-01", "until": "2026-01-01",
                                   "size": 5}
    )
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()


def _sample_api_ids(client, query) -> list[str]:
    return [item["id"] for item in client.get("/api/v1/audit-samples/", query).json()["items"]]
