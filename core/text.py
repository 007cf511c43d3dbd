"""Vietnamese text: its one stored form, and its alphabetical order.

The same name arrives in two Unicode forms: composed (NFC, "Á" as one character: Unikey or EVKey on
Windows, most phones) and decomposed (NFD, "A" followed by a combining acute: a Mac, Unikey's "Unicode
tổ hợp", text pasted from some PDFs). They look the same and are the same name, but compare unequal,
so text is stored composed (`nfc`).

Databases sort by code point (SQLite, PostgreSQL under C.UTF-8): "Đông Á" after "Zeta", "Ánh" after
"Z". `vietnamese_sort_key` orders as a Vietnamese dictionary does, for the small catalogues staff pick
from (recipients, retention rules), sorted in Python.
"""
from __future__ import annotations

import unicodedata


def nfc(value: str) -> str:
    """The text in its composed form (NFC): the form a name is stored and compared in."""
    return unicodedata.normalize("NFC", value)


# The Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), with the Latin
# letters it lacks (f j w z, in foreign names) where the Latin alphabet has them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make another letter of the alphabet (a + breve = ă): a first-level difference.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
# The tones, a second-level difference, in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_OTHER_MARK = len(_TONES) + 1
# "Ð" (U+00D0, the Icelandic eth) stands in for "Đ" (U+0110) in text that went through Windows-1252
# on its way from an old Vietnamese encoding: it is read as the letter it was meant to be.
_ETH = "ð"
# What a character is first ordered by: spaces and signs, then digits, then letters, then the rest.
_SIGN, _DIGIT, _LETTER_GROUP, _OTHER = range(4)


def _clusters(text: str) -> list[tuple[str, list[str]]]:
    """Each base character of the decomposed text with the combining marks that follow it."""
    clusters: list[tuple[str, list[str]]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1][1].append(char)
        else:
            clusters.append((char, []))
    return clusters


def vietnamese_sort_key(value: str) -> tuple:
    """A key that sorts text in Vietnamese alphabetical order, whatever its Unicode form.

    Letters first (a < ă < â < b ... d < đ < e < ê ...), over the whole text; then the tones
    (ngang, huyền, hỏi, ngã, sắc, nặng: "anh" < "ánh" < "ăn") and other accents; then lower case before
    upper case; the composed text itself last, so different texts never tie."""
    letters: list[tuple[int, int]] = []
    accents: list[tuple[int, ...]] = []
    cases: list[int] = []
    for base, marks in _clusters(value):
        lower = base.lower()
        lower = "đ" if lower == _ETH else lower
        remaining = []
        for mark in marks:
            formed = _LETTER_MARKS.get((lower, mark))
            if formed is not None:
                lower = formed
            else:
                remaining.append(mark)
        if lower in _LETTER:
            letters.append((_LETTER_GROUP, _LETTER[lower]))
        elif base.isdigit():
            letters.append((_DIGIT, ord(base)))
        elif base.isspace() or unicodedata.category(base)[0] in "PSZ":
            letters.append((_SIGN, ord(base)))
        else:
            letters.append((_OTHER, ord(lower)))
        accents.append(tuple(sorted(_TONES.get(mark, _OTHER_MARK + ord(mark)) for mark in remaining)))
        cases.append(int(base.isupper()))
    return tuple(letters), tuple(accents), tuple(cases), nfc(value)
