"""Content negotiation that answers an unknown `?format=` with a 400 naming `format` and the formats the
endpoint speaks, not DRF's bare 404 (which reads as "no such page" to a client that made a typo)."""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.negotiation import DefaultContentNegotiation

from core.errors import InvalidInput


class FormatContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            raise InvalidInput(
                _("Unknown format; this endpoint answers in: %(formats)s."),
                field=self.settings.URL_FORMAT_OVERRIDE,
                formats=", ".join(dict.fromkeys(renderer.format for renderer in renderers)),
            ) from None
