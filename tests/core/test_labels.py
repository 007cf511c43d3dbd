"""Texts kept in both languages read in the reader's: one property and one abstract model serve the
inventory, the purpose catalogue, legal holds and the transparency texts alike."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents.models import Purpose
from core.labels import in_language, in_reader_language
from dsr.models import DataCategory, LegalHold, RetentionRule, System
from transparency.models import TransparencyText


@pytest.mark.parametrize("model", [System, DataCategory, RetentionRule])
def test_a_name_in_both_languages_reads_in_the_readers_and_names_the_row(model):
    row = model(name_vi="Ngân hàng lõi", name_en="Core banking")
    with translation.override("en"):
        assert (row.name, str(row)) == ("Core banking", "Core banking")
    with translation.override("vi"):
        assert (row.name, str(row)) == ("Ngân hàng lõi", "Ngân hàng lõi")
    row.name_en = ""
    with translation.override("en"):
        assert str(row) == "Ngân hàng lõi"


def test_every_text_kept_in_both_languages_follows_the_same_rule():
    rows = [
        (RetentionRule(legal_reference_vi="Luật 14", legal_reference_en=""), "legal_reference"),
        (LegalHold(reason_vi="Hồ sơ", reason_en="Records"), "reason"),
        (Purpose(description_vi="Mô tả", description_en="Description"), "description"),
        (Purpose(consequences_vi="Hậu quả", consequences_en=""), "consequences"),
        (TransparencyText(body_vi="Nội dung", body_en="Text"), "body"),
    ]
    for language in ("vi", "en"):
        with translation.override(language):
            for row, field in rows:
                expected = in_reader_language(getattr(row, f"{field}_vi"), getattr(row, f"{field}_en"))
                assert getattr(row, field) == expected
    with translation.override("en"):
        assert [getattr(row, field) for row, field in rows] == [
            "Luật 14", "Records", "Description", "Hậu quả", "Text"
        ]


def test_a_text_for_a_given_reader_follows_the_same_rule_as_the_page():
    """The staff form reads each notice in the customer's language, a breach mailing each customer's
    categories in theirs: the language is given, the rule is the page's."""
    assert in_language("Mô tả", "Description", language="en") == "Description"
    assert in_language("Mô tả", "Description", language="en-gb") == "Description"
    assert in_language("Mô tả", "", language="en") == "Mô tả"
    assert in_language("Mô tả", "Description", language="vi") == "Mô tả"
    assert in_language("Mô tả", "Description", language=None) == "Mô tả"
