"""The customer's export in plain language (issue #18): labels instead of field names and codes,
local dates without seconds, one section per system and no empty rows, in the customer's language;
the JSON keeps codes and ISO dates and adds labels."""

import json
import re

import pytest

from dsr import services
from tests.dsr.factories import STAFF, answered_access

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
