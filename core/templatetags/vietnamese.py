"""`{{ items|vietnamese_order:"name" }}`: a small list in Vietnamese alphabetical order ("Đông Á" after
"Dương", not after "Zeta"), where `dictsort` or the database would order by code point."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from core.text import vietnamese_sort_key

register = template.Library()


@register.filter
def vietnamese_order(items: Iterable[Any], key: str = "") -> list[Any]:
    """The items sorted by their text, or by their `key` (a dictionary's item or an object's attribute)."""

    def text(item: Any) -> tuple:
        value = item if not key else item.get(key) if isinstance(item, dict) else getattr(item, key, "")
        return vietnamese_sort_key(str(value or ""))

    return sorted(items, key=text)
