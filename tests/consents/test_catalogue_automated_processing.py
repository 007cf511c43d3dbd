"""Law 91/2025/QH15 (Art. 4, the right to object) and Decree 356/2025 give the customer rights over
processing by automated means and profiling (a credit score deciding a loan, fraud rules blocking a card,
segments for offers), and the bank's notices must say when it is done. The catalogue records it per
purpose, as part of the scope a customer is told of: the API and the processing record give it, the
customer's pages say it, and starting it on a purpose already consented to is a widening (re-consent)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from consents.models import Purpose
from consents.scope import latest_scope, purpose_scope, scope_widenings
from consents.services import purpose_update
from regulator.documents import processing_record, processing_record_csv
from tests.consents.factories import SYSTEM, grant, make_purpose, version_in_force_since
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_dpo_records_a_purpose_decided_by_automated_means(as_user, dpo):
    api = as_user(dpo)
    created = api.post(
        "/api/v1/purposes/",
        {
            "code": "credit-scoring",
            "name": "Chấm điểm tín dụng",
            "description": "Mô hình chấm điểm quyết định khoản vay",
            "category": "service",
            "legal_basis": "contract",
            "automated_processing": "automated_decision",
            "notice_version": "v1",
            "notice_text_vi": "Khoản vay được quyết định bằng mô hình chấm điểm tự động.",
            "notice_text_en": "Loans are decided by an automated scoring model.",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()

    shown = api.get("/api/v1/purposes/credit-scoring/").json()

    assert shown["automated_processing"] == "automated_decision"
    assert Purpose.objects.get(code="credit-scoring").automated_processing == "automated_decision"


def test_an_unknown_kind_of_automated_processing_is_refused(as_user, dpo):
    refused = as_user(dpo).post(
        "/api/v1/purposes/",
        {"code": "seg", "name": "Phân khúc", "description": "Mô tả", "category": "analytics",
         "legal_basis": "consent", "automated_processing": "magic"},
        format="json",
    )
    assert refused.status_code == 400
    assert "automated_processing" in refused.json()


def test_starting_to_profile_customers_is_a_widening():
    purpose = make_purpose("segments", category="analytics")
    old = purpose_scope(purpose)
    purpose.automated_processing = "profiling"

    assert "automated_processing" in scope_widenings(old, purpose_scope(purpose))
    # Deciding by automated means reaches further than profiling; stopping either narrows.
    deciding = {**purpose_scope(purpose), "automated_processing": "automated_decision"}
    assert "automated_processing" in scope_widenings(purpose_scope(purpose), deciding)
    assert scope_widenings(deciding, old) == []


def test_a_version_stored_before_the_field_reads_as_none():
    purpose = make_purpose("older", category="analytics")
    notice = purpose.notices.get()
    notice.scope.pop("automated_processing", None)
    notice.save(update_fields=["scope"])

    assert latest_scope(purpose)["automated_processing"] == ""


def test_the_processing_record_says_which_purposes_profile_or_decide():
    make_purpose("credit-scoring", legal_basis="contract", automated_processing="automated_decision")
    make_purpose("segments", category="analytics", automated_processing="profiling")
    make_purpose("plain", category="support")

    record = processing_record()
    kinds = {e["purpose"]: e["automated_processing"] for e in record["entries"]}
    csv_text = processing_record_csv(record)

    assert kinds == {"credit-scoring": "automated_decision", "segments": "profiling", "plain": ""}
    assert "automated_processing" in csv_text.splitlines()[0]


def test_the_customer_is_told_which_purpose_profiles_them(customer_a):
    make_purpose("segments", category="marketing", automated_processing="profiling")

    page = signed_in(customer_a).get(reverse("consents:me_consents")).content.decode()

    assert 'data-testid="automated-segments"' in page


def test_a_widening_into_profiling_is_told_in_the_announcement():
    make_purpose("segments", category="marketing")
    version_in_force_since("segments", {"automated_processing": "profiling"}, ago=timedelta(hours=1))
    notice = Purpose.objects.get(code="segments").notices.order_by("-effective_at").first()

    assert notice.material is True


def test_the_privacy_page_names_the_purposes_decided_by_automated_means(customer_a):
    # Credit scoring runs on the contract: no consent switch to show it, so the privacy page must.
    make_purpose("credit-scoring", legal_basis="contract", automated_processing="automated_decision")
    make_purpose("plain", category="support")

    page = signed_in(customer_a).get(reverse("transparency:me_privacy")).content.decode()

    assert 'data-testid="automated-credit-scoring-v1"' in page
    assert 'data-testid="automated-plain-v1"' not in page


def test_the_receipt_says_the_purpose_agreed_to_profiles(customer_a):
    purpose = make_purpose("segments", category="marketing", automated_processing="profiling")
    consent = grant(customer_a.customer_account.subject, purpose)
    client = signed_in(customer_a)

    page = client.get(reverse("consents:me_receipt", args=[consent.pk])).content.decode()
    document = client.get(reverse("consents:me_receipt", args=[consent.pk]) + "?format=json").json()

    assert document["purpose"]["automated_processing"] == "profiling"
    assert 'data-testid="receipt-automated"' in page


def test_the_dpo_sets_it_on_the_purpose_page(dpo):
    created = signed_in(dpo).post(
        "/en/portal/purposes/new/",
        {
            "code": "fraud-rules", "name_vi": "Quy tắc chống gian lận", "name_en": "Fraud rules",
            "description_vi": "Khoá thẻ tự động", "description_en": "Blocks cards automatically",
            "category": "security", "legal_basis": "contract", "automated_processing": "automated_decision",
            "active": "on", "notice_version": "v1",
        },
    )

    assert created.status_code == 302
    assert Purpose.objects.get(code="fraud-rules").automated_processing == "automated_decision"


def test_rewording_a_purpose_stored_before_the_field_makes_no_new_version():
    purpose = make_purpose("older", category="analytics")
    notice = purpose.notices.get()
    notice.scope.pop("automated_processing", None)
    notice.save(update_fields=["scope"])

    purpose_update(actor=SYSTEM, code="older", changes={"name_en": "Older purpose, reworded"})

    assert purpose.notices.count() == 1
