"""A competent authority's written request for a customer's data (police, court, the State Bank's
inspection, its anti-money-laundering department) lets the bank disclose without the customer's consent
(Law 91/2025 and Decree 356/2025; Law 14/2022 on anti-money laundering). The DPO must be able to prove
each disclosure: who asked, the legal basis, the document's number and date, what was disclosed and to
whom. Before, the platform had nowhere to record one. The register is the DPO's and the auditor's alone:
the customer's own pages and exports never name it (AML law forbids tipping the customer off), nor do
front-line officers or privacy officers, who answer the customer."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidInput
from deadlines.policy import LOCAL_TZ
from dsr import services
from dsr.models import AuthorityDisclosure
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
DOCUMENT = "125/CV-PC03"


def _today():
    return timezone.localdate(timezone.now(), LOCAL_TZ)


def _fields(**changes):
    return {
        "authority_kind": "police",
        "authority_name": "Phòng Cảnh sát kinh tế, Công an TP Hà Nội",
        "document_number": DOCUMENT,
        "document_date": _today() - timedelta(days=2),
        "legal_basis": "Luật Phòng, chống rửa tiền 14/2022/QH15, Điều 41",
        "data_disclosed": "Sao kê tài khoản 01/2026-03/2026",
        "disclosed_to": "Điều tra viên Nguyễn Văn A",
        "disclosed_at": timezone.now() - timedelta(hours=1),
        **changes,
    }


def _record(dpo, subject, **changes):
    return services.authority_disclosure_record(actor=actor_for_user(dpo), subject_id=subject.pk,
                                                **_fields(**changes))


def test_the_dpo_records_a_disclosure_and_the_trail_proves_it(subject, dpo):
    disclosure = _record(dpo, subject)

    disclosure.refresh_from_db()
    assert (disclosure.document_number, disclosure.authority_kind, disclosure.recorded_by_id) == (
        DOCUMENT, "police", dpo.pk)
    entry = AuditEntry.objects.get(action="dsr.authority_disclosure.recorded")
    assert entry.subject_id == subject.pk
    assert entry.data["document_number"] == DOCUMENT
    assert entry.data["legal_basis"].startswith("Luật Phòng, chống rửa tiền")
    # What was disclosed and to whom may name people: encrypted on the record, proven by its digest.
    assert "Nguyễn Văn A" not in str(entry.data)
    assert entry.data["data_disclosed_sha256"] == hashlib.sha256(
        "Sao kê tài khoản 01/2026-03/2026".encode()).hexdigest()


@pytest.mark.parametrize("changes", [
    {"document_number": " "},
    {"legal_basis": ""},
    {"authority_name": ""},
    {"data_disclosed": ""},
    {"disclosed_to": ""},
    {"authority_kind": "neighbour"},
    {"document_date": "later"},
    {"disclosed_at": "future"},
])
def test_a_disclosure_without_its_proof_is_refused_and_nothing_is_written(subject, dpo, changes):
    if changes.get("document_date") == "later":
        changes = {"document_date": _today() + timedelta(days=1)}
    if changes.get("disclosed_at") == "future":
        changes = {"disclosed_at": timezone.now() + timedelta(days=1)}
    with pytest.raises(InvalidInput):
        _record(dpo, subject, **changes)
    assert not AuthorityDisclosure.objects.exists()
    assert not AuditEntry.objects.filter(action="dsr.authority_disclosure.recorded").exists()


def test_the_dpo_records_it_on_the_customer_page(subject, dpo, client):
    client.force_login(dpo)
    page = f"/portal/customers/{subject.pk}/"
    form = _fields(document_date=_today().isoformat(), disclosed_at="")
    answer = client.post(f"{page}authority-disclosures/", form)
    assert answer.status_code == 302
    disclosure = AuthorityDisclosure.objects.get()
    assert disclosure.disclosed_to == "Điều tra viên Nguyễn Văn A"
    text = client.get(page).content.decode()
    assert 'data-testid="authority-disclosure"' in text and DOCUMENT in text


def test_only_the_dpo_and_the_auditor_know_of_it(subject, dpo, officer, privacy_officer, auditor, client):
    _record(dpo, subject)
    form = _fields(document_date=_today().isoformat(), disclosed_at="")
    for staff in (officer, privacy_officer, auditor):
        client.force_login(staff)
        assert client.post(f"/portal/customers/{subject.pk}/authority-disclosures/", form).status_code == 403
    for staff in (officer, privacy_officer):
        client.force_login(staff)
        assert DOCUMENT not in client.get(f"/portal/customers/{subject.pk}/").content.decode()
    client.force_login(auditor)
    trail = client.get("/portal/audit/?action=dsr.authority_disclosure.recorded").content.decode()
    assert DOCUMENT in trail
    assert AuthorityDisclosure.objects.count() == 1


def test_the_customer_is_never_told(subject, dpo, client):
    _record(dpo, subject)
    customer = make_customer(subject)
    client.force_login(customer)
    for page in ("/me/", "/me/requests/", "/me/consents/"):
        answer = client.get(page, follow=True)
        assert answer.status_code == 200
        assert DOCUMENT not in answer.content.decode()
    assert client.post(f"/portal/customers/{subject.pk}/authority-disclosures/",
                       _fields(document_date=_today().isoformat(), disclosed_at="")).status_code in (302, 403)
    assert AuthorityDisclosure.objects.count() == 1
