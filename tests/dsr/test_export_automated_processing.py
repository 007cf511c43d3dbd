"""Follow-up review: a purpose that profiles the customer or decides about them by automated means on
another basis than consent (a credit score under the loan contract, anti-money-laundering screening under
the law) is the customer's to know of (Law 91/2025 Art. 4, Decree 356/2025), yet their access or copy
export listed their consents only. It now lists each such purpose with its legal basis and what it does,
as its version in force has them, in JSON, on the page and in the CSV."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consents import services as consent_services
from dsr.services.export_csv import export_csv
from dsr.services.export_formats import export_labelled, export_readable
from dsr.services.exports import export_content
from tests.consents.factories import SYSTEM, make_purpose
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_purpose(
        "credit-scoring", legal_basis="contract", automated_processing="automated_decision",
        name_en="Credit scoring", name_vi="Chấm điểm tín dụng",
    )
    make_purpose(
        "aml-screening", legal_basis="legal_obligation", category="compliance",
        automated_processing="profiling", name_en="Anti-money-laundering screening",
    )
    # Consent-based: the consents section says it; a purpose neither profiling nor deciding: not listed.
    make_purpose("offers", automated_processing="profiling", category="marketing")
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")


def test_the_export_lists_automated_processing_on_other_bases(subject, catalogue):
    request = verified_request(subject, type="access")

    content = export_content(request, now=request.identity_verified_at)

    assert content["automated_processing"] == [
        {"purpose": "aml-screening", "legal_basis": "legal_obligation", "automated_processing": "profiling"},
        {
            "purpose": "credit-scoring", "legal_basis": "contract",
            "automated_processing": "automated_decision",
        },
    ]
    with translation.override("en"):
        labelled = export_labelled(content)["automated_processing"][1]
        assert labelled["purpose_label"] == "Credit scoring"
        assert labelled["legal_basis_label"] == "Contract"
        assert labelled["automated_processing_label"].startswith("Decisions about you")
        readable = export_readable(content)
        page = render_to_string("dsr/export.html", {"data": readable})
        csv = export_csv(content)
    for text in (page, csv):
        assert "Credit scoring" in text and "Anti-money-laundering screening" in text
        assert "Decisions about you are made by automated means" in text and "Contract" in text
    assert 'data-testid="export-automated-processing"' in page


def test_a_widening_not_yet_in_force_is_not_listed(subject):
    purpose = make_purpose("fraud-rules", legal_basis="contract", category="service")
    consent_services.purpose_update(
        actor=SYSTEM, code=purpose.code, changes={"automated_processing": "automated_decision"},
        effective_at=timezone.now() + timedelta(days=31), notice_version="v2",
    )
    request = verified_request(subject, type="access")

    assert export_content(request, now=timezone.now())["automated_processing"] == []


def test_an_export_stored_before_lists_nothing(subject, catalogue):
    content = export_content(verified_request(subject, type="access"), now=timezone.now())
    del content["automated_processing"]

    assert export_readable(content)["automated_processing"] == []
    export_csv(content)


def test_the_vietnamese_export_says_it_in_vietnamese(subject, catalogue):
    content = export_content(verified_request(subject, type="access"), now=timezone.now())

    with translation.override("vi"):
        page = render_to_string("dsr/export.html", {"data": export_readable(content)})

    assert "Lập hồ sơ hoặc quyết định tự động không dựa trên sự đồng ý của tôi" in page
    assert "Chấm điểm tín dụng" in page
