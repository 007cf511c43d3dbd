"""A system's fields in the customer's copy read in the copy's language: the labels the inventory gives
them (both languages), read when the copy is downloaded, the other language when the reader's is
missing, and the key in words when the inventory names none. The JSON keeps the system's own keys."""

import codecs
import csv
import io
import json
import re

import pytest

from dsr import services
from dsr.models import System
from tests.dsr.factories import STAFF, answered_access

pytestmark = pytest.mark.django_db

CARD_COUNT = {"card_count": {"vi": "Số thẻ", "en": "Number of cards"}}


def _download(request, fmt: str, language: str) -> bytes:
    return services.export_download(actor=STAFF, request=request, format=fmt, language=language).body


def _html_text(request, language: str) -> str:
    return re.sub(r"<[^>]+>", " ", _download(request, "html", language).decode())


def _csv_text(request, language: str) -> str:
    body = _download(request, "csv", language)
    assert body.startswith(codecs.BOM_UTF8)
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _core_banking(request, language: str) -> dict:
    body = json.loads(_download(request, "json", language))
    return next(s for s in body["systems"] if s["system"] == "core_banking")


@pytest.mark.parametrize(("language", "label", "other"), [("vi", "Số thẻ", "Number of cards"),
                                                          ("en", "Number of cards", "Số thẻ")])
def test_a_systems_field_reads_in_the_copys_language(subject, language, label, other):
    request = answered_access(subject)
    # Labelled after the copy was built: read when it is downloaded, as the systems' names are.
    System.objects.filter(code="core_banking").update(field_labels=CARD_COUNT)
    for text in (_html_text(request, language), _csv_text(request, language)):
        assert label in text
        assert other not in text and "Card count" not in text
    core = _core_banking(request, language)
    assert core["labels"]["card_count"] == label
    assert core["data"]["card_count"] == 2  # the system's own key and value, for programs


def test_a_missing_language_falls_back_to_the_other_then_to_the_key_in_words(subject):
    request = answered_access(subject)
    # An entry written around the inventory's page (only the English): the Vietnamese copy shows it.
    System.objects.filter(code="core_banking").update(field_labels={"card_count": {"en": "Number of cards"}})
    assert "Number of cards" in _html_text(request, "vi")
    labels = _core_banking(request, "vi")["labels"]
    assert labels == {
        "card_count": "Number of cards",
        "opened_at": "Opened at",
        "closed_accounts": "Closed accounts",
        "note": "Note",
    }
