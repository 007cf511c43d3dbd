"""A stored code in words, and a text kept in both languages in the reader's: what pages, documents
and exports show instead of the stored value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import get_language


def choice_label(choices: Iterable[tuple[Any, Any]], code: str) -> str:
    """The label of `code` among `choices` (a `TextChoices.choices`), in the active language; a code
    the choices no longer hold reads as itself."""
    return str(dict(choices).get(code, code))


def in_language(vietnamese: str, english: str, *, language: str | None) -> str:
    """The English text for a reader of `language` English when there is one, else the Vietnamese (the
    bank's language, and the default): how a text kept in both languages is shown."""
    return english if english and (language or "vi")[:2] == "en" else vietnamese


def in_reader_language(vietnamese: str, english: str) -> str:
    """`in_language` for the reader of this page or document (the active language)."""
    return in_language(vietnamese, english, language=get_language())


def text_in_reader_language(field: str) -> property:
    """A model's text kept in both languages as `<field>_vi` and `<field>_en`, read in the reader's
    language (`in_reader_language`): `name = text_in_reader_language("name")`."""

    def read(obj: Any) -> str:
        return in_reader_language(getattr(obj, f"{field}_vi"), getattr(obj, f"{field}_en"))

    read.__doc__ = f"The {field} in the reader's language (Vietnamese unless English is read and given)."
    return property(read)


class NamedInBothLanguages(models.Model):
    """A model whose name is kept in both languages (`name_vi`, `name_en`, fields of its own): `name` is
    the reader's, and the row is named by it (`__str__`). Abstract and without fields: the tables and
    the migration state are the models' own."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    name = text_in_reader_language("name")
