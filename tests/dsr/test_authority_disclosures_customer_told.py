"""Follow-up review: a disclosure to an authority under no tipping-off ban (a tax authority's request, a
court's order the customer is party to) is the customer's to know of (Law 91/2025: the right to know who
received their data), yet the register could not say which ones, and the access export listed none. A
disclosure now records whether the customer may be told: by default not, the DPO decides when recording
it, and the audit entry says which. The access or copy export lists those the customer may be told of (to
whom, when, which data, under which law), never the others."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from audit.models import AuditEntry
from core.errors import InvalidInput
from deadlines.policy import local_isoformat
from dsr.models import AuthorityDisclosure
from dsr.services.export_csv import export_csv
from dsr.services.export_formats import export_labelled, export_readable
from dsr.services.exports import export_content
from tests.dsr.factories import verified_request
from tests.dsr.test_authority_disclosures import _fields, _record, _today

pytestmark = pytest.mark.django_db

TOLD_DOCUMENT = "88/CCT-KK"
TOLD_DATA = "Sao kê tài khoản thanh toán năm 2025"
TAX_LAW = "Luật Quản lý thuế 38/2019/QH14, Điều 98"
SECRET_DATA = "Sao kê tài khoản 01/2026-03/2026"


def test_by_default_the_customer_may_not_be_told_and_the_trail_says_which(subject, dpo):
    silent = _record(dpo, subject)
    told = _record(dpo, subject, document_number=TOLD_DOCUMENT, customer_may_be_told=True)

    assert AuthorityDisclosure.objects.get(pk=silent.pk).customer_may_be_told is False
    assert AuthorityDisclosure.objects.get(pk=told.pk).customer_may_be_told is True
    told_in_trail = {
        entry.data["document_number"]: entry.data["customer_may_be_told"]
        for entry in AuditEntry.objects.filter(action="dsr.authority_disclosure.recorded")
    }
    assert told_in_trail == {"125/CV-PC03": False, TOLD_DOCUMENT: True}


def test_the_dpo_marks_it_on_the_customer_page(subject, dpo, client):
    client.force_login(dpo)
    form = _fields(document_date=_today().isoformat(), disclosed_at="", customer_may_be_told="on")
    assert client.post(f"/portal/customers/{subject.pk}/authority-disclosures/", form).status_code == 302
    assert AuthorityDisclosure.objects.get().customer_may_be_told is True


def test_the_export_lists_only_the_disclosures_the_customer_may_be_told_of(subject, dpo):
    _record(dpo, subject)
    told = _record(
        dpo, subject, authority_kind="tax", authority_name="Cục Thuế TP Hà Nội",
        document_number=TOLD_DOCUMENT, legal_basis=TAX_LAW, data_disclosed=TOLD_DATA,
        customer_may_be_told=True,
    )
    request = verified_request(subject, type="access")

    content = export_content(request, now=request.identity_verified_at)

    [entry] = content["disclosures_to_authorities"]
    assert (entry["authority_kind"], entry["authority_name"]) == ("tax", "Cục Thuế TP Hà Nội")
    assert (entry["legal_basis"], entry["data_disclosed"]) == (TAX_LAW, TOLD_DATA)
    assert entry["disclosed_at"] == local_isoformat(told.disclosed_at)
    assert SECRET_DATA not in str(content) and "125/CV-PC03" not in str(content)
    assert "Điều tra viên" not in str(content)

    with translation.override("en"):
        [labelled] = export_labelled(content)["disclosures_to_authorities"]
        assert labelled["authority_kind_label"] == "Tax authority"
        readable = export_readable(content)
        [shown] = readable["disclosures_to_authorities"]
        assert shown["authority"] == "Cục Thuế TP Hà Nội (Tax authority)"
        page = render_to_string("dsr/export.html", {"data": readable})
        csv = export_csv(content)
    for text in (page, csv):
        assert TOLD_DATA in text and TAX_LAW in text
        assert SECRET_DATA not in text


def test_a_disclosure_to_the_anti_money_laundering_department_is_never_the_customers_to_be_told_of(
    subject, dpo
):
    """Re-read: the form's help said "never for an anti-money-laundering request", yet the service took the
    mark for one, and the customer's export would then list it: the tipping-off AML law forbids (Law
    14/2022/QH15). The service refuses the mark for the State Bank's AML department, on the field, and
    records nothing."""
    with pytest.raises(InvalidInput) as refused:
        _record(dpo, subject, authority_kind="sbv_aml", customer_may_be_told=True)
    assert refused.value.field == "customer_may_be_told"
    with translation.override("en"):
        assert "tipping" in refused.value.text
    assert not AuthorityDisclosure.objects.exists()
    assert not AuditEntry.objects.filter(action="dsr.authority_disclosure.recorded").exists()
    assert _record(dpo, subject, authority_kind="sbv_aml").customer_may_be_told is False
