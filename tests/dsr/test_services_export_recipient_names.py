"""The customer's data export names the recipients in the language it is read in: the English name the
bank gave a recipient in an export read in English (the HTML page, the CSV, the JSON's labels), the
Vietnamese name otherwise and where none was given. The stored codes keep the Vietnamese name the
consent's scope froze."""

import json

import pytest

from consents import services as consent_services
from consents.models import Recipient, WithdrawalDuty
from dsr import services
from dsr.models import FulfilmentTask
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"
UNTRANSLATED = "Bảo hiểm Đối tác"


@pytest.fixture
def answered(subject):
    """An access request answered after a consent naming both recipients was withdrawn."""
    make_inventory()
    head_office = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office")
    insurer = make_recipient(UNTRANSLATED)
    consent = grant(subject, make_purpose("sharing", category="sharing", recipients=[head_office, insurer]))
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    assert WithdrawalDuty.objects.filter(consent=consent).count() == 2
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _download(request, format, language):
    body = services.export_download(actor=STAFF, request=request, format=format, language=language).body
    return body.decode("utf-8-sig")


def test_the_export_page_in_english_names_recipients_in_english(answered):
    page = _download(answered, "html", "en")
    start = page.index('data-testid="export-recipients"')
    table = page[start : page.index("</table>", start)]
    assert f"{ENGLISH} (Foreign head office" in table and f"{ENGLISH}: told to stop" in table
    assert VIETNAMESE not in table
    assert f"{UNTRANSLATED} (Partner" in table and f"{UNTRANSLATED}: told to stop" in table
    in_vietnamese = _download(answered, "html", "vi")
    assert VIETNAMESE in in_vietnamese and ENGLISH not in in_vietnamese


def test_the_csv_in_english_names_recipients_in_english(answered):
    csv_text = _download(answered, "csv", "en")
    assert ENGLISH in csv_text and UNTRANSLATED in csv_text and VIETNAMESE not in csv_text


def test_the_json_labels_name_recipients_in_the_language_and_keep_the_frozen_name(answered):
    body = json.loads(_download(answered, "json", "en"))
    (consent,) = body["consents"]
    names = {(r["name"], r["name_label"]) for r in consent["recipients"]}
    assert names == {(VIETNAMESE, ENGLISH), (UNTRANSLATED, UNTRANSLATED)}
    told = {(d["recipient"], d["recipient_label"]) for d in consent["withdrawal_duties"]}
    assert told == {(VIETNAMESE, ENGLISH), (UNTRANSLATED, UNTRANSLATED)}
    in_vietnamese = json.loads(_download(answered, "json", "vi"))["consents"][0]
    assert {r["name_label"] for r in in_vietnamese["recipients"]} == {VIETNAMESE, UNTRANSLATED}


def test_an_english_name_corrected_after_the_export_was_built_is_the_one_read(answered):
    Recipient.objects.filter(name=VIETNAMESE).update(name_en="Head Office, Tokyo")
    page = _download(answered, "html", "en")
    assert "Head Office, Tokyo" in page and ENGLISH not in page
