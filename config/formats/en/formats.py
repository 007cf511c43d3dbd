"""Dates for people in English: day first, as in Vietnamese (dd/mm/yyyy, 24-hour HH:MM).

Bank staff and customers read both languages side by side; Django's English default (month first)
made 12/01/2026 mean two different days on two pages. The API keeps ISO 8601 (DRF's own setting)."""

from config.formats.day_first import *  # noqa: F403 (Django reads the names from this module)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
