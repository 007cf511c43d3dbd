"""Dates for people in English: day first, as in Vietnamese (dd/mm/yyyy, 24-hour HH:MM).

Bank staff and customers read both languages side by side; Django's English default (month first)
made 12/01/2026 mean two different days on two pages. The API keeps ISO 8601 (DRF's own setting)."""

# Django reads the format names off this module, so they are all brought in.
from config.formats.day_first import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
