"""The API's JSON parser: a body nested deeper than Python's recursion limit is the client's error."""
from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class BodyRefused(ParseError):
    """A body the project's parser refuses, in the project's words: the exception handler
    (`core.api.exceptions`) gives DRF's own `ParseError`, which is English only, words of its own."""


class JSONParser(parsers.JSONParser):
    """DRF's parser catches ValueError only; `json` raises RecursionError on ~1,000 nested arrays,
    which any caller (a customer included) could otherwise turn into a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise BodyRefused(_("The JSON body is nested too deeply.")) from None
