"""Dates for people in Vietnamese: dd/mm/yyyy and 24-hour HH:MM, the same shape as the English pages
(Django's Vietnamese default writes "H:i d-m-Y" and long "Ngày d tháng n năm Y" forms)."""

# Django reads the format names off this module, so they are all brought in.
from config.formats.day_first import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
