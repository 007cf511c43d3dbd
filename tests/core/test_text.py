"""core.text: the one composed (NFC) form of Vietnamese text, and the Vietnamese alphabetical order."""

from __future__ import annotations

import unicodedata

import pytest

from core.text import nfc, vietnamese_sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_text_typed_on_a_mac_is_composed_as_typed_on_windows():
    assert nfc(nfd("Nguyễn Thị Ánh Tuyết")) == "Nguyễn Thị Ánh Tuyết"
    assert nfc("Đặng Tiến Đông") == "Đặng Tiến Đông"
    assert nfc("") == ""


@pytest.mark.parametrize("alphabet", [
    "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split(),
    # Letters outside the Vietnamese alphabet (foreign names) keep their Latin place.
    "a b c d đ e f g h i j k l m n o p q r s t u v w x y z".split(),
])
def test_letters_follow_the_vietnamese_alphabet(alphabet):
    assert sorted(reversed(alphabet), key=vietnamese_sort_key) == alphabet


def test_tones_are_a_second_level_difference_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=vietnamese_sort_key) == tones
    # The tone decides only between words whose letters are the same: "ánh" before "ăn", "anh" first.
    assert sorted(["ăn", "ánh", "anh", "bà"], key=vietnamese_sort_key) == ["anh", "ánh", "ăn", "bà"]


def test_a_name_sorts_by_its_letters_whatever_its_case_or_unicode_form():
    names = ["Zeta Partners", "Đông Á Insurance", nfd("Bảo Việt Nhân thọ"), "Ánh Dương Card Printing",
             "dịch vụ Thẻ Miền Nam", "Eximbank Securities", "Dương Minh", nfd("Đào Anh")]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Ánh Dương Card Printing", nfd("Bảo Việt Nhân thọ"), "dịch vụ Thẻ Miền Nam", "Dương Minh",
        nfd("Đào Anh"), "Đông Á Insurance", "Eximbank Securities", "Zeta Partners",
    ]
    assert vietnamese_sort_key(nfd("Ánh Dương")) == vietnamese_sort_key("Ánh Dương")
    assert sorted(["Bao", "bao"], key=vietnamese_sort_key) == ["bao", "Bao"]


def test_spaces_and_digits_come_before_letters():
    assert sorted(["AnhBa", "Anh Ba", "Anh", "Anh 2"], key=vietnamese_sort_key) == [
        "Anh", "Anh 2", "Anh Ba", "AnhBa"
    ]
