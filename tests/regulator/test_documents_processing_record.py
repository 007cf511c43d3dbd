"""The record of processing activities costs a fixed number of queries, whatever the catalogue's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dsr.models import DataCategory, RetentionRule, System
from regulator import services
from regulator.documents import dossier_facts, processing_record
from regulator.models import Dossier
from tests.regulator.factories import DPO, add_purposes_abroad, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def _add_purposes(count: int) -> None:
    add_purposes_abroad(
        count, now=timezone.now(), systems=["core_banking", "crm"],
        categories=["identity", "contact", "accounts"], security_measures="AES at rest",
    )


def _queries(build) -> int:
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured)


def test_the_record_costs_the_same_queries_for_3_or_23_purposes():
    make_inventory()
    make_catalogue(now=timezone.now())
    small = _queries(processing_record)
    _add_purposes(20)
    record = processing_record()
    assert len(record["entries"]) == 23
    assert _queries(processing_record) == small <= 6
    extra = next(e for e in record["entries"] if e["purpose"] == "extra-0")
    assert extra["systems"] == ["core_banking", "crm"]
    assert extra["categories"] == ["accounts", "contact", "identity"]
    assert extra["cross_border_destinations"] == ["SG"]
    assert any("60 months" in line for line in extra["retention"])


@pytest.mark.parametrize("fmt", ["", "?format=json", "?format=csv"])
def test_the_page_json_and_csv_do_not_grow_with_the_catalogue(client, dpo, fmt):
    make_inventory()
    make_catalogue(now=timezone.now())
    client.force_login(dpo)
    url = reverse("regulator:processing_record") + fmt
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_purposes(15)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200 and b"extra-14" in response.content
    assert len(large) == len(small)


def test_dossier_facts_are_unchanged_by_the_bulk_loading():
    """The dossier fingerprints are taken over these facts: loading them in bulk or for one purpose
    gives the same facts, in the same order, so an upgrade does not version every dossier."""
    make_inventory()
    make_catalogue(now=timezone.now())
    services.dossiers_sync(actor=DPO)
    transfer = Dossier.objects.get(kind="transfer")
    facts = dossier_facts(transfer)
    head_office = {"name": "Head office Tokyo", "kind": "foreign_head_office", "country": "JP"}
    assert facts["recipients"] == [head_office]
    assert [s["code"] for s in facts["systems"]] == ["core_banking"]
    assert [c["code"] for c in facts["categories"]] == ["accounts", "identity"]
    assert facts["notice_version"] == "v1" and facts["transfer"]["country"] == "JP"
    assert services.dossiers_sync(actor=DPO) == {"created": 0, "versioned": 0}


def test_dossier_facts_do_not_change_with_the_readers_language():
    """The inventory's names have an English version for customers; the facts the bank files (and
    fingerprints) keep the Vietnamese ones, so a DPO working in English versions no dossier."""
    make_inventory()
    make_catalogue(now=timezone.now())
    DataCategory.objects.filter(code="accounts").update(name_vi="Tài khoản", name_en="Accounts")
    System.objects.filter(code="core_banking").update(name_vi="Ngân hàng lõi", name_en="Core banking")
    RetentionRule.objects.update(legal_reference_en="Law on Anti-Money Laundering, Art. 40")
    with translation.override("vi"):
        services.dossiers_sync(actor=DPO)
    transfer = Dossier.objects.get(kind="transfer")
    with translation.override("en"):
        facts = dossier_facts(transfer)
        assert services.dossiers_sync(actor=DPO) == {"created": 0, "versioned": 0}
    assert [s["name"] for s in facts["systems"]] == ["Ngân hàng lõi"]
    accounts = next(c for c in facts["categories"] if c["code"] == "accounts")
    assert accounts["name"] == "Tài khoản" and accounts["retention"]["law"] == "Law 14/2022/QH15 Art. 40"


@pytest.mark.parametrize("prefix,shown,hidden", [
    ("/en", "60 months from end of the accounting year the relationship ended in", "cuối năm tài chính"),
    ("", "cuối năm tài chính", "end of the accounting year"),
])
def test_the_record_says_when_retention_starts_in_the_pages_language(client, dpo, prefix, shown, hidden):
    make_inventory()
    make_catalogue(now=timezone.now())
    RetentionRule.objects.update(starts="cuối năm tài chính", start_event="accounting_year_end")
    client.force_login(dpo)

    page = client.get(f"{prefix}/portal/processing-record/").content.decode()

    assert shown in page and hidden not in page
