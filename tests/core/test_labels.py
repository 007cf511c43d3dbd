"""Texts kept in both languages read in the reader's: one property and one abstract model serve the
inventory, the purpose catalogue, legal holds and the transparency texts alike."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents.models import Purpose
from core.labels import in_reader_language
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
