"""`GET /api/v1/audit/verify/` says where the whole-chain check began (`from_sequence`) and, when it began
after months archived by the runbook, the signed archive record it began after (`archive`), beside the
contract's fields, and the OpenAPI schema describes them."""
from __future__ import annotations

import pytest

from audit.checkpoints import checkpoints_read
from tests.audit.tampering import archive_month
from tests.audit.test_chain_archived import JANUARY, _tamper, _trail

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/verify/"


def _verified(api, auditor) -> dict:
    api.force_authenticate(auditor)
    response = api.get(URL)
    assert response.status_code == 200
    return response.json()


def test_a_chain_from_its_first_entry_began_at_entry_1_after_no_archive(api, auditor):
    _trail()

    body = _verified(api, auditor)

    assert (body["valid"], body["entries"], body["first_invalid"], body["reason"]) == (True, 9, None, "")
    assert body["checkpoints"] == 2
    assert body["from_sequence"] == 1 and body["archive"] is None


def test_after_an_archive_it_names_the_first_entry_checked_and_the_record_it_began_after(api, auditor):
    entries = _trail()
    archive_month(JANUARY)
    [record] = checkpoints_read().archives

    body = _verified(api, auditor)

    assert (body["valid"], body["entries"], body["first_invalid"], body["reason"]) == (True, 6, None, "")
    assert body["from_sequence"] == 5
    assert body["archive"] == {
        "through": 4,
        "through_hash": entries[3].entry_hash,
        "month": "2020-01",
        "dump_sha256": record.dump_sha256,
        "recorded_at": record.written_at,
        "after_the_fact": False,
    }


def test_first_entries_missing_without_a_record_began_at_the_first_left_after_no_archive(api, auditor):
    _trail()
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [4])

    body = _verified(api, auditor)

    assert body["valid"] is False and "no archive record" in body["reason"]
    assert body["from_sequence"] == 5 and body["archive"] is None


def test_the_schema_describes_where_the_check_began_and_the_archive(client):
    schemas = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]

    verification = schemas["ChainVerification"]
    assert {"valid", "entries", "first_invalid", "reason", "checkpoints", "from_sequence", "archive"} <= set(
        verification["properties"]
    )
    assert {"from_sequence", "archive"} <= set(verification["required"])
    assert verification["properties"]["from_sequence"]["description"]
    archive = verification["properties"]["archive"]
    assert archive["nullable"] is True and archive["description"]
    [reference] = archive["allOf"]
    record = schemas[reference["$ref"].rsplit("/", 1)[1]]
    assert set(record["properties"]) == {
        "through", "through_hash", "month", "dump_sha256", "recorded_at", "after_the_fact",
    }
    assert all(field["description"] for field in record["properties"].values())
