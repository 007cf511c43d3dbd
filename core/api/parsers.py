"""The API's JSON parser: a body nested deeper than Python's recursion limit, or holding half a
character, is the client's error."""
from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class BodyRefused(ParseError):
    """A body the project's parser refuses, in the project's words: the exception handler
    (`core.api.exceptions`) gives DRF's own `ParseError`, which is English only, words of its own."""


def _holds_lone_surrogate(value) -> bool:
    """Whether any text in the parsed body (keys too) holds a lone UTF-16 surrogate, which `json` reads
    from an escape like "\\ud83d" but which no UTF-8 text can hold."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


class JSONParser(parsers.JSONParser):
    """DRF's parser catches ValueError only; `json` raises RecursionError on ~1,000 nested arrays,
    which any caller (a customer included) could otherwise turn into a 500. A lone surrogate reached
    a 500 too: a refusal that quotes the value (an unknown choice) could not be written out."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise BodyRefused(_("The JSON body is nested too deeply.")) from None
        # Only an escape can carry a surrogate into the parsed text: a body without one is not walked.
        if SURROGATE_ESCAPE.search(raw) and _holds_lone_surrogate(data):
            raise BodyRefused(
                _("The request body holds text that is not valid Unicode (half of a character).")
            )
        return data
