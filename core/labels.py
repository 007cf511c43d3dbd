"""A stored code in words, and a text kept in both languages in the reader's: what pages, documents
and exports show instead of the stored value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language


def choice_label(choices: Iterable[tuple[Any, Any]], code: str) -> str:
    """The label of `code` among `choices` (a `TextChoices.choices`), in the active language; a code
    the choices no longer hold reads as itself."""
    return str(dict(choices).get(code, code))


def in_reader_language(vietnamese: str, english: str) -> str:
    """The English text for a reader in English when there is one, else the Vietnamese (the bank's
    language, and the default): how a name kept in both languages is shown."""
    return english if english and (get_language() or "vi")[:2] == "en" else vietnamese
