"""Who drew which sample is itself evidence: an external auditor relying on the internal auditor's
sample asks who drew it, when, with which seed, from which population. A draw left no audit entry; now
each draw, on the API or the portal page, records one (`dsr.sample.drawn`) with the seed, the period,
the size asked, the population's count and fingerprint; a refused draw records nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import make_token, subjects_in_bulk

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
QUERY = {"population": "consents", "since": "2026-01-01", "until": "2027-01-01", "size": 3, "seed": "s-2026"}


@pytest.fixture
def consents_of_2026():
    moments = [datetime(2026, 1, 1, tzinfo=HCM) + timedelta(days=n) for n in range(5)]
    rows = [{"subject": who, "granted_at": at} for who, at in zip(subjects_in_bulk(5), moments, strict=True)]
    return consents_in_bulk(make_purpose(), rows)


def _drawn_entry() -> AuditEntry:
    return AuditEntry.objects.get(action="dsr.sample.drawn")


def test_a_draw_on_the_api_records_who_drew_which_sample(api, auditor, consents_of_2026):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")
    body = api.get("/api/v1/audit-samples/", QUERY).json()

    entry = _drawn_entry()
    assert entry.actor_user_id == auditor.pk
    assert entry.data == {
        "population": "consents", "since": "2026-01-01", "until": "2027-01-01", "size": 3, "seed": "s-2026",
        "population_count": 5, "population_sha256": body["population_sha256"], "drawn": 3,
    }


def test_a_draw_on_the_page_records_it_with_the_seed_chosen(logged_in, dpo, consents_of_2026):
    page = logged_in(dpo).get("/portal/audit/samples/", {**QUERY, "seed": ""})

    entry = _drawn_entry()
    assert entry.actor_user_id == dpo.pk and entry.data["seed"]
    assert entry.data["seed"] in page.content.decode()


def test_a_refused_draw_records_nothing(api, logged_in, auditor):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")
    assert api.get("/api/v1/audit-samples/", {**QUERY, "size": 0}).status_code == 400
    logged_in(auditor).get("/portal/audit/samples/", {**QUERY, "since": "2027-02-01"})
    assert not AuditEntry.objects.filter(action="dsr.sample.drawn").exists()
