"""Staff's words about the customer on their requests read the erased marker once the customer's
deletion is completed (tests/dsr/test_erasure_staff_words.py). Where a person reads them (the staff
request page, the customer's request page, the customer's export, the proof bundle's printable page) they
read a sentence in the reader's language, as a withdrawal's erased reason does on its receipt, not the
stored marker in English. The API and the JSON files keep the stored marker (docs/requests.md)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.erased import REASON_ERASED
from dsr import services
from dsr.models import FulfilmentTask, RequestStatusChange
from regulator.proof_bundle import proof_bundle
from tests.dsr.factories import MONDAY, STAFF, answered_access, awaiting_customer, refused_after_waiting
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

SHOWN = {"vi": "Đã xóa theo yêu cầu của khách hàng", "en": "Erased at the customer's request"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def _erase(request) -> None:
    """What a completed deletion leaves of the staff's words on `request`: the marker in each
    (`dsr.services.erasure._staff_words_erase`)."""
    request.outcome_note = request.overdue_reason = request.extension_note = REASON_ERASED
    request.save(update_fields=["outcome_note", "overdue_reason", "extension_note"])
    for change in RequestStatusChange.objects.filter(request=request).exclude(actor_kind="customer"):
        if change.note:
            change.note = REASON_ERASED
            change.save(update_fields=["note"])


@pytest.fixture
def erased(customer_a):
    """A complaint answered late after a question and an extension, its staff's words erased; then an
    access request answered (its export lists the complaint), its tasks' notes erased since."""
    subject = customer_a.customer_account.subject
    complaint = awaiting_customer(subject, type="complaint", question="Xin gửi sao kê của số 0912 777 888")
    services.request_extend(actor=STAFF, request_id=complaint.pk, note="Chờ sao kê", now=MONDAY)
    refused_after_waiting(complaint, now=MONDAY + timedelta(days=90))
    _erase(complaint)
    access = answered_access(subject)
    for task in FulfilmentTask.objects.filter(request=access):
        task.note = REASON_ERASED
        task.save(update_fields=["note"])
    return complaint, access


def _page(user, name: str, pk, language: str) -> str:
    path = reverse(name, args=[pk]).removeprefix("/en")
    return signed_in(user).get(("/en" if language == "en" else "") + path).content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_staff_request_page_reads_the_erased_words_in_the_staff_members_language(
    erased, privacy_officer, language
):
    complaint, access = erased
    page = _text(_page(privacy_officer, "dsr:detail", complaint.pk, language))
    # The answer, the extension's reason and the delay's reason.
    assert page.count(SHOWN[language]) == 3
    assert REASON_ERASED not in page
    tasks = _text(_page(privacy_officer, "dsr:detail", access.pk, language))
    assert SHOWN[language] in tasks and REASON_ERASED not in tasks


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_customers_request_page_reads_the_erased_words_in_their_language(erased, customer_a, language):
    complaint, _access = erased
    page = _text(_page(customer_a, "dsr:me_detail", complaint.pk, language))
    # The answer and the extension's reason.
    assert page.count(SHOWN[language]) == 2
    assert REASON_ERASED not in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_customers_export_reads_the_erased_words_in_their_language(erased, language):
    _complaint, access = erased
    for fmt in ("html", "csv"):
        body = services.export_download(actor=STAFF, request=access, format=fmt, language=language).body
        text = _text(body.decode("utf-8-sig"))
        # The answer, the extension's reason and the bank's question.
        assert text.count(SHOWN[language]) == 3, fmt
        assert REASON_ERASED not in text, fmt


def test_the_json_files_and_the_api_keep_the_stored_marker(erased, customer_a, as_user):
    """A program compares the stored value, the same in every language (docs/requests.md)."""
    complaint, access = erased
    labelled = json.loads(
        services.export_download(actor=STAFF, request=access, format="json", language="vi").body
    )
    (listed,) = [r for r in labelled["requests"] if r["id"] == str(complaint.pk)]
    assert (listed["outcome_note"], listed["extension_note"]) == (REASON_ERASED, REASON_ERASED)
    client = as_user(customer_a)
    body = client.get(f"/api/v1/requests/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert (body["outcome_note"], body["extension_note"]) == (REASON_ERASED, REASON_ERASED)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_proof_bundles_page_reads_the_erased_words_in_the_readers_language(erased, customer_a, language):
    bundle = proof_bundle(customer_a.customer_account.subject, generated_by=STAFF)
    (complaint,) = [r for r in bundle["requests"] if r["type"] == "complaint"]
    assert (complaint["outcome"]["note"], complaint["overdue_reason"]) == (REASON_ERASED, REASON_ERASED)
    with translation.override(language):
        page = _text(render_to_string("regulator/proof_bundle.html", {"bundle": bundle}))
    # The answer and the delay's reason.
    assert page.count(SHOWN[language]) == 2
    assert REASON_ERASED not in page
