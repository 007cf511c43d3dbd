"""`{{ count|grouped }}` and `{{ rate|rate_percent }}`, `{{ whole|percent }}`: numbers as the page's
language writes them (1,200 in English, 1.200 in Vietnamese), and every percentage one way ("80%"),
whether a card, a table or a chart writes it. An empty value is a dash."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

NONE = "—"


@register.filter
def grouped(number: int | None) -> str:
    return NONE if number is None else number_format(number, force_grouping=True)


@register.filter
def percent(whole: int | None) -> str:
    """A percentage already in hundredths: 80 → "80%"."""
    return NONE if whole is None else f"{grouped(whole)}%"


@register.filter
def rate_percent(rate: float | None) -> str:
    """A rate between 0 and 1: 0.8 → "80%"."""
    return NONE if rate is None else percent(round(rate * 100))
