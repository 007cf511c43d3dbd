"""Dates for people in Vietnamese: dd/mm/yyyy and 24-hour HH:MM, the same shape as the English pages
(Django's Vietnamese default writes "H:i d-m-Y" and long "Ngày d tháng n năm Y" forms)."""

from config.formats.day_first import *  # noqa: F403 (Django reads the names from this module)

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
