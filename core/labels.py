"""A stored code in words: what pages, documents and exports show instead of the code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def choice_label(choices: Iterable[tuple[Any, Any]], code: str) -> str:
    """The label of `code` among `choices` (a `TextChoices.choices`), in the active language; a code
    the choices no longer hold reads as itself."""
    return str(dict(choices).get(code, code))
