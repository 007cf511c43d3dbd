"""Dates for people in Vietnamese: dd/mm/yyyy and 24-hour HH:MM, the same shape as the English pages
(Django's Vietnamese default writes "H:i d-m-Y" and long "Ngày d tháng n năm Y" forms).

Numbers group thousands with a dot and take a decimal comma (12.345, 1,5): "131,072" in a Vietnamese
sentence reads as a hundred and thirty-one. Django's Vietnamese formats set no grouping, so a count
formatted with `force_grouping` came out as 12345 here and 12,345 on the English page."""

from config.formats.day_first import *  # noqa: F403 (Django reads the names from this module)

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
