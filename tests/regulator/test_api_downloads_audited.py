"""A regulator document taken through the API is audited as the portal's download of it is: the same
`regulator.*.exported` entry, naming who took which document in which format."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from regulator import services
from regulator.models import Dossier
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    make_inventory()
    make_catalogue(now=timezone.now())
    breach = make_breach(detected_at=timezone.now() - timedelta(hours=2), now=timezone.now())
    services.breach_notify(actor=DPO, breach_id=breach.pk)
    services.dossiers_sync(actor=DPO)
    return {"breach": breach, "dossier": Dossier.objects.order_by("pk").first()}


def _get_with_entries(client, path: str) -> tuple:
    """The answer to GET `path`, and the audit entries written while answering it."""
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    response = client.get(path)
    return response, list(AuditEntry.objects.filter(sequence__gt=last).order_by("sequence"))


def test_form_08_from_the_api_is_audited_with_its_phase(documents, auditor, as_user):
    breach = documents["breach"]
    response, entries = _get_with_entries(as_user(auditor), f"/api/v1/breaches/{breach.pk}/notifications/1/")
    assert response.status_code == 200
    assert [(e.action, e.target_id, e.actor_user_id, e.data) for e in entries] == [
        ("regulator.breach.exported", str(breach.pk), auditor.pk, {"format": "json", "phase": 1})
    ]


def test_a_dossier_from_the_api_is_audited_with_its_version(documents, dpo, as_user):
    dossier = documents["dossier"]
    response, entries = _get_with_entries(as_user(dpo), f"/api/v1/dossiers/{dossier.pk}/")
    assert response.status_code == 200
    assert [(e.action, e.target_id, e.actor_user_id, e.data) for e in entries] == [
        ("regulator.dossier.exported", str(dossier.pk), dpo.pk,
         {"format": "json", "version": response.json()["version"]})
    ]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_processing_record_from_the_api_is_audited_in_its_format(documents, dpo, as_user, fmt):
    client = as_user(dpo)
    response, entries = _get_with_entries(client, f"/api/v1/processing-record/?format={fmt}")
    assert response.status_code == 200
    entries_in_record = len(client.get("/api/v1/processing-record/").json()["entries"])
    assert [(e.action, e.actor_user_id, e.data) for e in entries] == [
        ("regulator.record.exported", dpo.pk, {"format": fmt, "entries": entries_in_record})
    ]


def test_a_refused_download_writes_no_entry(documents, officer, dpo, as_user):
    breach = documents["breach"]
    refused, entries = _get_with_entries(as_user(officer), f"/api/v1/breaches/{breach.pk}/notifications/1/")
    missing, more = _get_with_entries(as_user(dpo), f"/api/v1/breaches/{breach.pk}/notifications/9/")
    assert (refused.status_code, missing.status_code) == (403, 404)
    assert entries == more == []
