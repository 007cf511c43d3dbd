"""The regulator API: DPO writes, auditor reads only, everyone else is refused; documents as JSON/CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from regulator.models import Dossier
from tests.consents.factories import publish_notice
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory():
    make_inventory()
    return make_catalogue(now=timezone.now())


def _breach_payload(**over):
    now = timezone.now()
    payload = {
        "title": "Lost laptop",
        "description": "An unencrypted laptop with a statement export was stolen.",
        "occurred_at": (now - timedelta(hours=6)).isoformat(),
        "detected_at": (now - timedelta(hours=2)).isoformat(),
        "systems": ["core_banking"],
        "categories": ["accounts", "identity"],
        "subjects_affected": 40,
        "records_affected": 40,
        "likely_consequences": "Account numbers exposed.",
        "measures_taken": "Remote wipe requested.",
    }
    payload.update(over)
    return payload


def test_dpo_records_and_notifies_a_breach_and_gets_form_08(inventory, dpo, as_user):
    client = as_user(dpo)
    created = client.post("/api/v1/breaches/", _breach_payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "open" and body["systems"] == ["core_banking"]
    notified = client.post(f"/api/v1/breaches/{body['id']}/notifications/", {}, format="json")
    assert notified.status_code == 201 and notified.json()["phase"] == 1
    document = client.get(f"/api/v1/breaches/{body['id']}/notifications/1/").json()
    assert document["form"] == "08"
    assert set(document) >= {
        "organisation",
        "dpo_contact",
        "description",
        "categories",
        "counts",
        "likely_consequences",
        "measures_taken",
        "timeline",
    }
    assert [c["code"] for c in document["categories"]] == ["accounts", "identity"]


def test_bad_breach_input_is_a_400_with_the_field(inventory, dpo, as_user):
    client = as_user(dpo)
    response = client.post("/api/v1/breaches/", _breach_payload(systems=["mainframe"]), format="json")
    assert response.status_code == 400
    assert "systems" in response.json()
    now = timezone.now()
    response = client.post(
        "/api/v1/breaches/",
        _breach_payload(occurred_at=now.isoformat(), detected_at=(now - timedelta(hours=1)).isoformat()),
        format="json",
    )
    assert response.status_code == 400 and "detected_at" in response.json()


def test_breach_and_dossier_lists_filter_by_status_and_refuse_an_unknown_one(inventory, dpo, as_user):
    client = as_user(dpo)
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=2))
    client.post("/api/v1/dossiers/sync/")
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    assert ids(client.get("/api/v1/breaches/?status=open")) == [str(breach.pk)]
    assert ids(client.get("/api/v1/breaches/?status=closed")) == []
    assert len(ids(client.get("/api/v1/dossiers/?status=draft"))) == 4
    assert ids(client.get("/api/v1/dossiers/?status=filed")) == []
    for path in ("/api/v1/breaches/?status=lost", "/api/v1/dossiers/?status=lost"):
        refused = client.get(path)
        assert refused.status_code == 400 and "status" in refused.json()


def test_dpo_corrects_a_breachs_facts_systems_and_categories_through_the_api(inventory, dpo, as_user):
    client = as_user(dpo)
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=2))
    response = client.patch(
        f"/api/v1/breaches/{breach.pk}/",
        {"subjects_affected": 150, "systems": ["core_banking", "crm"], "categories": ["contact"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["subjects_affected"] == 150
    assert body["systems"] == ["core_banking", "crm"] and body["categories"] == ["contact"]
    unknown = client.patch(f"/api/v1/breaches/{breach.pk}/", {"categories": ["nothing"]}, format="json")
    assert unknown.status_code == 400 and "categories" in unknown.json()


def test_late_notification_without_reason_is_refused(inventory, dpo, as_user):
    breach = make_breach(
        detected_at=timezone.now() - timedelta(hours=80), now=timezone.now() - timedelta(hours=79)
    )
    client = as_user(dpo)
    response = client.post(f"/api/v1/breaches/{breach.pk}/notifications/", {}, format="json")
    assert response.status_code == 400 and "late_reason" in response.json()
    response = client.post(
        f"/api/v1/breaches/{breach.pk}/notifications/", {"late_reason": "Weekend"}, format="json"
    )
    assert response.status_code == 201 and response.json()["late"] is True


def test_auditor_reads_but_cannot_write_and_officers_are_refused(inventory, auditor, officer, as_user):
    make_breach(detected_at=timezone.now() - timedelta(hours=1), now=timezone.now())
    reader = as_user(auditor)
    assert reader.get("/api/v1/breaches/").status_code == 200
    assert reader.get("/api/v1/processing-record/").status_code == 200
    assert reader.post("/api/v1/breaches/", _breach_payload(), format="json").status_code == 403
    assert reader.post("/api/v1/dossiers/sync/").status_code == 403
    other = as_user(officer)
    for path in (
        "/api/v1/breaches/",
        "/api/v1/dossiers/",
        "/api/v1/processing-record/",
        "/api/v1/notice-announcements/",
    ):
        assert other.get(path).status_code == 403


def test_dossier_document_and_versions_through_the_api(inventory, dpo, as_user):
    client = as_user(dpo)
    assert client.post("/api/v1/dossiers/sync/").json() == {"created": 4, "versioned": 0}
    dossier = Dossier.objects.get(kind="transfer")
    response = client.post(
        f"/api/v1/dossiers/{dossier.pk}/versions/",
        {"assessment": "Japan: adequate contract clauses.", "note": "DPO review"},
        format="json",
    )
    assert response.status_code == 201
    document = client.get(f"/api/v1/dossiers/{dossier.pk}/").json()
    assert document["version"] == 2 and document["facts"]["transfer"]["country"] == "JP"
    assert [entry["cause"] for entry in document["change_log"]] == ["created", "edited"]
    first = client.get(f"/api/v1/dossiers/{dossier.pk}/?version=1").json()
    assert first["version"] == 1 and first["assessment"] == ""
    filed = client.post(
        f"/api/v1/dossiers/{dossier.pk}/file/", {"authority_reference": "A05/2026/77"}, format="json"
    )
    assert filed.status_code == 200 and filed.json()["status"] == "filed"


def test_processing_record_as_json_and_csv(inventory, dpo, as_user):
    client = as_user(dpo)
    record = client.get("/api/v1/processing-record/").json()
    entries = {e["purpose"]: e for e in record["entries"]}
    assert entries["transfer"]["cross_border_destinations"] == ["JP"]
    assert entries["banking"]["categories"] == ["accounts", "identity", "transactions"]
    assert any("60 months" in line for line in entries["banking"]["retention"])
    response = client.get("/api/v1/processing-record/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "purpose" and {r[0] for r in rows[1:]} == {"banking", "marketing", "transfer"}


def test_processing_record_csv_from_the_api_opens_in_excel(inventory, dpo, as_user):
    """As the page's (docs/regulator.md): with a UTF-8 byte-order mark, so Excel reads the Vietnamese
    as UTF-8, not in the Windows ANSI code page."""
    body = as_user(dpo).get("/api/v1/processing-record/?format=csv").content
    assert body.startswith("\ufeff".encode()) and not body.startswith("\ufeff\ufeff".encode())


def test_announcement_through_the_api(inventory, dpo, as_user):
    notice = publish_notice(
        "marketing", "v2", effective_at=timezone.now() + timedelta(days=40), material=True, actor=DPO
    )
    client = as_user(dpo)
    # Publishing announced it, 30 days ahead since the change is material.
    (listed,) = client.get("/api/v1/notice-announcements/").json()["results"]
    assert (listed["version"], listed["lead_days"], listed["significant"]) == ("v2", 30, True)
    again = client.post("/api/v1/notice-announcements/", {"notice": notice.pk}, format="json")
    assert again.status_code == 409
    sent = client.post(f"/api/v1/notice-announcements/{listed['id']}/send/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"


def test_dpo_sets_a_purposes_activity_through_the_api(inventory, dpo, auditor, as_user):
    body = {"systems": ["crm"], "categories": ["contact", "marketing"], "security_measures": "TLS"}
    assert (
        as_user(auditor).put("/api/v1/processing-activities/marketing/", body, format="json").status_code
        == 403
    )
    response = as_user(dpo).put("/api/v1/processing-activities/marketing/", body, format="json")
    assert response.status_code == 200 and response.json()["categories"] == ["contact", "marketing"]
    bad = as_user(dpo).put(
        "/api/v1/processing-activities/marketing/", {**body, "systems": ["x"]}, format="json"
    )
    assert bad.status_code == 400 and "systems" in bad.json()
    assert as_user(dpo).put("/api/v1/processing-activities/nope/", body, format="json").status_code == 404


def test_a_scoped_token_reaches_only_what_its_scopes_name(inventory, dpo, auditor, as_user):
    """A DPO token issued for consents only cannot record breaches or sync dossiers; an auditor's
    audit-only token cannot read breaches or the processing record (pen test, finding 2)."""
    consents_only = as_user(dpo, scopes=["consents:read"])
    assert consents_only.post("/api/v1/breaches/", _breach_payload(), format="json").status_code == 403
    assert consents_only.post("/api/v1/dossiers/sync/", {}, format="json").status_code == 403
    audit_only = as_user(auditor, scopes=["audit:read"])
    assert audit_only.get("/api/v1/breaches/").status_code == 403
    assert audit_only.get("/api/v1/processing-record/").status_code == 403
    reader = as_user(dpo, scopes=["regulator:read"])
    assert reader.get("/api/v1/breaches/").status_code == 200
    assert reader.get("/api/v1/processing-record/").status_code == 200
    refused = reader.post("/api/v1/breaches/", _breach_payload(), format="json")
    assert refused.status_code == 403 and "regulator:write" in refused.json()["detail"]
    writer = as_user(dpo, scopes=["regulator:read", "regulator:write"])
    assert writer.post("/api/v1/breaches/", _breach_payload(), format="json").status_code == 201
    assert writer.post("/api/v1/dossiers/sync/", {}, format="json").status_code == 200


def test_a_scoped_token_is_refused_where_a_view_names_no_scope(dpo, as_user, monkeypatch):
    """Fail closed: an endpoint that forgot to name its scope is open to whole-role tokens only."""
    from regulator.api.breaches import BreachListCreateView

    monkeypatch.setattr(BreachListCreateView, "required_scopes", {})
    assert as_user(dpo, scopes=["regulator:read"]).get("/api/v1/breaches/").status_code == 403
    assert as_user(dpo).get("/api/v1/breaches/").status_code == 200


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_processing_record_csv_neutralises_formulas(inventory, dpo, as_user, client, evil):
    """A purpose name typed as a formula must reach the spreadsheet as text (pen test, finding 9)."""
    from consents.models import Purpose

    Purpose.objects.filter(code="banking").update(name_vi=evil)
    exported = as_user(dpo).get("/api/v1/processing-record/?format=csv").content.decode("utf-8-sig")
    client.force_login(dpo)
    page = client.get("/en/portal/processing-record/?format=csv").content.decode("utf-8-sig")
    for text in (exported, page):
        rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
        assert rows["banking"][1] == "'" + evil
def test_the_dpo_declines_to_tell_customers_through_the_api(as_user, dpo):
    from tests.regulator.factories import make_breach, make_catalogue, make_inventory

    make_inventory()
    make_catalogue()
    breach = make_breach(systems=["crm"], categories=["contact"])
    client = as_user(dpo)
    assert (
        client.post(f"/api/v1/breaches/{breach.pk}/decline-customer-notice/", {}, format="json").status_code
        == 400
    )
    response = client.post(
        f"/api/v1/breaches/{breach.pk}/decline-customer-notice/",
        {"reason": "Encrypted; the key was not exposed."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["customer_notice_decision"] == "not_notify"
    assert client.post(f"/api/v1/breaches/{breach.pk}/notify-customers/").status_code == 409
