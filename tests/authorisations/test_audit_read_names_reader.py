"""A third party's read is audited with the gateway as its actor; the entry names the third party that
read too (its id and client_id), so an inspector sees who read without joining tables."""

from __future__ import annotations

from django.utils import timezone

from audit.models import AuditEntry
from tests.authorisations.factories import authorise, register
from tests.factories import make_customer


def _reader_in(action: str) -> dict:
    data = AuditEntry.objects.get(action=action).data
    return {"third_party": data.get("third_party"), "client_id": data.get("client_id")}


def test_claimed_and_confirmed_reads_name_the_third_party(gateway):
    registration = register()
    authorisation = authorise(make_customer(), registration=registration)
    reader = {
        "third_party": str(registration.third_party.pk),
        "client_id": registration.third_party.application.client_id,
    }
    url = f"/api/v1/authorisations/{authorisation.pk}"
    claimed = gateway.post(f"{url}/reads/", {"scope": "accounts:read", "record_count": 0}, format="json")
    assert claimed.status_code == 201, claimed.content
    body = {"scope": "accounts:read", "accessed_at": timezone.now().isoformat(), "record_count": 3}
    confirmed = gateway.post(f"{url}/accesses/", {**body, "claim": claimed.json()["id"]}, format="json")
    assert confirmed.status_code in (200, 201), confirmed.content
    reported = gateway.post(f"{url}/accesses/", body, format="json")
    assert reported.status_code == 201, reported.content

    for action in ("claimed", "confirmed", "reported"):
        assert _reader_in(f"authorisations.access.{action}") == reader, action
