"""The customer's export in plain language (issue #18): labels instead of field names and codes,
local dates without seconds, one section per system and no empty rows, in the customer's language;
the JSON keeps codes and ISO dates and adds labels."""

import codecs
import csv
import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dsr import services
from tests.dsr.factories import STAFF, answered_access
from tests.pages import translated

VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.django_db

RAW = (
    "date_of_birth",
    "external_ref",
    "granted",
    "in_progress",
    "completed",
    "branch",
    "card_count",
    "+00:00",
)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", ("Ngày sinh", "Ưu đãi tiếp thị", "Số khách hàng (CIF)", "01/01/1980")),
        ("en", ("Date of birth", "Granted", "Marketing offers", "Customer number (CIF)", "01/01/1980")),
    ],
)
def test_html_export_reads_in_plain_words(subject, language, words):
    request = answered_access(subject)
    html = services.export_download(
        actor=STAFF, request=request, format="html", language=language
    ).body.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    for word in words:
        assert word in text, word
    for raw in RAW:
        assert raw not in text, raw
    # Local times without seconds: 03:04 UTC is 10:04 in Hà Nội.
    assert "01/05/2024 10:04" in text
    assert "01/01/1980 00:00" not in text  # a date of birth has no time of day
    assert not re.search(r"\d{2}:\d{2}:\d{2}", text)
    # One section per system; the empty values of a system are left out, an empty system says so.
    assert html.count('data-testid="export-system"') == 2
    assert "Closed accounts" not in text and "<td></td>" not in html
    assert "Card count" in text


def test_json_export_keeps_codes_and_iso_dates_and_adds_labels(subject):
    request = answered_access(subject)
    body = json.loads(
        services.export_download(actor=STAFF, request=request, format="json", language="en").body
    )
    assert body["language"] == "en"
    assert body["subject"]["date_of_birth"] == "1980-01-01"
    assert body["subject_labels"]["date_of_birth"] == "Date of birth"
    event = body["consent_events"][0]
    assert (event["event"], event["event_label"]) == ("granted", "Granted")
    req = body["requests"][0]
    # Built as the answer is given, so this request is still in progress in its own export.
    assert (req["status"], req["status_label"]) == ("in_progress", "In progress")
    assert (req["type"], req["type_label"]) == ("access", "Access to personal data")
    core = next(s for s in body["systems"] if s["system"] == "core_banking")
    assert core["labels"]["card_count"] == "Card count"


CSV_HEADERS = (
    "Type of record", "Identifier", "Purpose or request type", "Event or status", "Time (Vietnam)", "Channel",
    # After the six columns the copy always had: what a consent event adds, and a detail with its value for
    # the parts of the copy that have no column of their own (test_services_export_completeness).
    "Notice version", "Recorded by", "Details", "Value",
)


def _history_rows(rows: list[list[str]], language: str) -> list[list[str]]:
    """The consent history's and the requests' rows, one each as they always were, in their order."""
    kinds = (translated("Consent", language), translated("Request", language))
    return [row for row in rows if row[0] in kinds]


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(codecs.BOM_UTF8)  # Excel opens Vietnamese text right only with the BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_csv_export_reads_in_the_customers_language_and_local_time(subject, language):
    """The CSV copy the customer opens in a spreadsheet: headers and values in their language (as the
    HTML copy decides it), times in Hà Nội time with the offset; the JSON keeps codes and ISO times."""
    request = answered_access(subject)
    body = services.export_download(actor=STAFF, request=request, format="csv", language=language).body
    header, *every_row = _csv_rows(body)
    rows = _history_rows(every_row, language)
    assert header == [translated(text, language) for text in CSV_HEADERS]
    if language == "vi":
        assert header != list(CSV_HEADERS), "the headers have no Vietnamese translation"
    stored = json.loads(
        services.export_download(actor=STAFF, request=request, format="json", language=language).body
    )
    expected = [
        *(e["at"] for e in stored["consent_events"]),
        *(r["received_at"] for r in stored["requests"]),
    ]
    assert [row[4] for row in rows] == [
        datetime.fromisoformat(at).astimezone(VN_TIME).strftime("%d/%m/%Y %H:%M +07:00") for at in expected
    ]
    consent_row, request_row = rows
    assert consent_row[0] == translated("Consent", language)
    assert request_row[0] == translated("Request", language)
    assert consent_row[2] == ("Ưu đãi tiếp thị" if language == "vi" else "Marketing offers")
    assert consent_row[3] == translated("Granted", language)
    assert request_row[2] == translated("Access to personal data", language)
    # Each row by what the customer knows it by: the request's reference, the consent's receipt number.
    assert request_row[1] == request.reference
    assert consent_row[1] == stored["consent_events"][0]["consent"]
    # The notice version and who recorded the event, as the JSON labels them.
    event = stored["consent_events"][0]
    assert consent_row[6:8] == [event["notice_version"], event["recorded_by_label"]] != ["", ""]
    text = "\n".join(",".join(row) for row in every_row)
    for raw in ("granted", "in_progress", "branch", "+00:00", "consent_event"):
        assert raw not in text, raw


def test_the_copies_and_the_customers_pages_quote_the_same_references(logged_in, customer_a):
    """The CSV, the JSON and the HTML copies name a request by the reference its pages show (the
    customer quotes it to the branch), and a consent by the receipt number its receipt page shows."""
    request = answered_access(customer_a.customer_account.subject)
    reference = request.reference
    assert re.fullmatch(r"YC-\d{6}-[0-9A-F]{6}", reference)

    def download(fmt):
        return services.export_download(actor=STAFF, request=request, format=fmt, language="vi").body

    _header, *rows = _csv_rows(download("csv"))
    consent_row, request_row = _history_rows(rows, "vi")
    stored = json.loads(download("json"))
    html = download("html").decode()
    assert request_row[1] == stored["requests"][0]["reference"] == reference
    assert stored["requests"][0]["id"] == str(request.pk)  # the JSON keeps the stored id beside it
    assert reference in html
    client = logged_in(customer_a)
    page = client.get(reverse("dsr:me_detail", args=[request.pk])).content.decode()
    assert f'data-testid="request-reference">{reference}<' in page
    consent = stored["consent_events"][0]["consent"]
    assert consent_row[1] == consent
    receipt = client.get(reverse("consents:me_receipt", args=[consent])).content.decode()
    assert f'<dd class="mono">{consent}</dd>' in receipt
